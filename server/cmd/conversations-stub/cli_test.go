package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/twilio-stubs/userconversations/server/fixtures"
)

func TestVersion(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"--version"}, noEnv, &stdout, &stderr, nil); code != exitOK {
		t.Fatalf("exit status %d: %s", code, stderr.String())
	}
	ver, rev, goVersion := buildInfo()
	for _, want := range []string{"conversations-stub " + ver, rev, goVersion, runtime.GOOS + "/" + runtime.GOARCH} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("--version prints %q, without %q", stdout.String(), want)
		}
	}
}

// A stamped version (make dist's -ldflags -X) wins over the build info.
func TestStampedVersion(t *testing.T) {
	defer func(v, c string) { version, commit = v, c }(version, commit)
	version, commit = "v9.8.7", "0123abc"
	if got := versionLine(); !strings.HasPrefix(got, "conversations-stub v9.8.7 (commit 0123abc, go") {
		t.Fatalf("versionLine() = %q", got)
	}
}

// --help exits 0 and lists every flag with its environment variable and
// built-in default; it never shows a value from the environment.
func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"-h"}, {"healthcheck", "--help"}} {
		var stdout, stderr bytes.Buffer
		env := func(k string) string {
			return map[string]string{"STUB_ADMIN_TOKEN": "envsecret", "STUB_ADDR": "10.9.8.7:1"}[k]
		}
		if code := run(context.Background(), args, env, &stdout, &stderr, nil); code != exitOK {
			t.Fatalf("%v: exit status %d: %s", args, code, stderr.String())
		}
		help := stdout.String()
		var o options
		fs, err := newFlagSet(&o, noEnv)
		if err != nil {
			t.Fatal(err)
		}
		fs.VisitAll(func(f *flag.Flag) {
			if !strings.Contains(help, "--"+f.Name) {
				t.Errorf("%v: --%s is not listed", args, f.Name)
			}
			if f.Name != "version" && !strings.Contains(help, "(env "+envOf[f.Name]+")") {
				t.Errorf("%v: --%s is listed without its environment variable %q", args, f.Name, envOf[f.Name])
			}
		})
		for _, want := range []string{"127.0.0.1:8080", "healthcheck"} {
			if !strings.Contains(help, want) {
				t.Errorf("%v: help without %q", args, want)
			}
		}
		if strings.Contains(help, "envsecret") || strings.Contains(help, "10.9.8.7") {
			t.Errorf("%v: help shows values from the environment:\n%s", args, help)
		}
	}
}

// A bad flag is reported once, on stderr, and exits 2.
func TestBadFlagIsReportedOnce(t *testing.T) {
	for _, args := range [][]string{{"--no-such-flag"}, {"--log-format", "xml"}, {"--log-level", "loud"}, {"healthcheck", "--no-such-flag"}} {
		var stdout, stderr bytes.Buffer
		if code := run(context.Background(), args, noEnv, &stdout, &stderr, nil); code != exitUsage {
			t.Errorf("%v: exit status %d, want %d", args, code, exitUsage)
		}
		lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
		if len(lines) != 2 || !strings.HasPrefix(lines[0], "conversations-stub") || !strings.Contains(lines[1], "--help") || stdout.Len() != 0 {
			t.Errorf("%v: stdout %q, stderr %q; want the error once and a pointer to --help", args, stdout.String(), stderr.String())
		}
	}
}

func TestHealthcheck(t *testing.T) {
	stub := startStub(t, nil)
	for _, tt := range []struct {
		name    string
		args    []string
		env     map[string]string
		code    int
		message string
	}{
		{"a running stub", []string{"--url", stub.url + "/_stub/health"}, nil, exitOK, "healthy"},
		{"STUB_ADDR", nil, map[string]string{"STUB_ADDR": strings.TrimPrefix(stub.url, "http://")}, exitOK, "healthy"},
		{"nothing listening", []string{"--url", "http://127.0.0.1:1/_stub/health"}, nil, exitFailure, "unhealthy: "},
		{"not a health check", []string{"--url", stub.url + "/_stub/nope"}, nil, exitFailure, "answered 404"},
		{"a bad URL", []string{"--url", "::"}, nil, exitUsage, "--url"},
		{"an argument", []string{"extra"}, nil, exitUsage, "unexpected"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), append([]string{"healthcheck"}, tt.args...), func(k string) string { return tt.env[k] }, &stdout, &stderr, nil)
			if code != tt.code || !strings.Contains(stdout.String()+stderr.String(), tt.message) {
				t.Fatalf("exit status %d (want %d); stdout %q; stderr %q; want %q", code, tt.code, stdout.String(), stderr.String(), tt.message)
			}
		})
	}
}

func TestDefaultHealthURL(t *testing.T) {
	for addr, want := range map[string]string{
		"":               "http://127.0.0.1:8080/_stub/health",
		"0.0.0.0:8080":   "http://127.0.0.1:8080/_stub/health",
		":9000":          "http://127.0.0.1:9000/_stub/health",
		"[::]:8080":      "http://[::1]:8080/_stub/health",
		"10.0.0.5:80":    "http://10.0.0.5:80/_stub/health",
		"localhost:8081": "http://localhost:8081/_stub/health",
	} {
		if got := defaultHealthURL(addr); got != want {
			t.Errorf("defaultHealthURL(%q) = %q, want %q", addr, got, want)
		}
	}
}

// logLines decodes a JSON log, one object a line.
func logLines(t *testing.T, log string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(log), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("a log line is not JSON: %v: %q", err, line)
		}
		out = append(out, m)
	}
	return out
}

// With --log-format json, the log is JSON only: the start-up lines too,
// and no banner on stdout. A 400 names its Twilio code and reason; no
// credential, the admin token included, is ever logged.
func TestJSONLog(t *testing.T) {
	const adminToken = "json-log-admin-token"
	stub := startStub(t, map[string]string{"STUB_ADMIN_TOKEN": adminToken}, "--log-format", "json")
	send := func(method, path, user, password, bearer string) {
		t.Helper()
		req := httptest.NewRequest(method, stub.url+path, nil)
		req.RequestURI = ""
		if user != "" {
			req.SetBasicAuth(user, password)
		}
		if bearer != "" {
			req.Header.Set("Authorization", "Bearer "+bearer)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	send(http.MethodGet, "/v1/Users/alice/Conversations?PageSize=5000", fixtures.DemoAccountSID, fixtures.DemoAuthToken, "")
	send(http.MethodGet, "/v1/Users/alice/Conversations", fixtures.DemoAccountSID, "wrong-password-123", "")
	send(http.MethodGet, "/v1/Users/alice/Conversations/general", fixtures.DemoAccountSID, fixtures.DemoAuthToken, "")
	send(http.MethodGet, "/_stub/state", "", "", adminToken)
	send(http.MethodGet, "/_stub/state", "", "", adminToken+"x")

	if stub.stdout.Len() != 0 {
		t.Errorf("stdout in JSON mode: %q", stub.stdout.String())
	}
	log := stub.stderr.String()
	for _, secret := range []string{adminToken, fixtures.DemoAuthToken, fixtures.DemoOtherAuthToken, "wrong-password-123"} {
		if strings.Contains(log, secret) {
			t.Errorf("the log holds a credential (%q):\n%s", secret, log)
		}
	}
	lines := logLines(t, log)
	messages := map[string]map[string]any{}
	var refused map[string]any
	for _, line := range lines {
		messages[line["msg"].(string)] = line
		if line["msg"] == "request" && line["status"] == float64(400) {
			refused = line
		}
	}
	for _, msg := range []string{"serving", "world", "admin API"} {
		if messages[msg] == nil {
			t.Errorf("no start-up line %q in the log:\n%s", msg, log)
		}
	}
	if w := messages["world"]; w == nil || w["accounts"] != float64(2) || w["fixtures"] != "demo" {
		t.Errorf("world line: %v", w)
	}
	if a := messages["admin API"]; a == nil || a["enabled"] != true {
		t.Errorf("admin API line: %v", a)
	}
	if refused == nil {
		t.Fatalf("no 400 request line:\n%s", log)
	}
	if refused["code"] != float64(20001) || !strings.Contains(refused["message"].(string), "Invalid PageSize: number must be at most 1000") {
		t.Fatalf("the 400's line does not say why: %v", refused)
	}
}

// The flag table of the docs lists every flag, each with its variable.
func TestDocsListEveryFlag(t *testing.T) {
	var o options
	fs, err := newFlagSet(&o, noEnv)
	if err != nil {
		t.Fatal(err)
	}
	for _, doc := range []string{"docs/operating.md"} {
		data, err := os.ReadFile(filepath.Join("..", "..", "..", doc))
		if err != nil {
			t.Fatal(err)
		}
		rows := map[string]string{}
		for _, line := range strings.Split(string(data), "\n") {
			if name, ok := strings.CutPrefix(line, "| `--"); ok {
				name, _, _ = strings.Cut(name, "`")
				rows[name] = line
			}
		}
		fs.VisitAll(func(f *flag.Flag) {
			row, ok := rows[f.Name]
			switch {
			case !ok:
				t.Errorf("%s: no row for --%s", doc, f.Name)
			case envOf[f.Name] != "" && !strings.Contains(row, "`"+envOf[f.Name]+"`"):
				t.Errorf("%s: the row of --%s does not name %s", doc, f.Name, envOf[f.Name])
			}
		})
	}
}
