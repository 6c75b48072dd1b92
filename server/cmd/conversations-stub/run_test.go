package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/twilio-stubs/userconversations/server/fixtures"
)

func noEnv(string) string { return "" }

func TestBadFixturesExitWithStatus2(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.yaml")
	bad := "accounts:\n  - sid: AC00000000000000000000000000000001\n    auth_token: x\n    services:\n      - users:\n          - identity: alice\n          - identity: alice\n"
	if err := os.WriteFile(path, []byte(bad), 0o600); err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	code := run(context.Background(), []string{"--fixtures", path, "--addr", "127.0.0.1:0"}, noEnv, &bytes.Buffer{}, &stderr, nil)
	if code != exitUsage {
		t.Fatalf("exit status %d, want %d", code, exitUsage)
	}
	if !strings.Contains(stderr.String(), "accounts[0].services[0].users[1].identity") {
		t.Fatalf("stderr does not name the bad field: %s", stderr.String())
	}
}

func TestBadFlagsExitWithStatus2(t *testing.T) {
	for _, args := range [][]string{{"--no-such-flag"}, {"--log-level", "loud"}, {"extra"}} {
		if code := run(context.Background(), args, noEnv, &bytes.Buffer{}, &bytes.Buffer{}, nil); code != exitUsage {
			t.Errorf("%v: exit status %d, want %d", args, code, exitUsage)
		}
	}
}

func TestEnvironmentSetsDefaults(t *testing.T) {
	env := map[string]string{"STUB_ADDR": "127.0.0.1:9", "STUB_VALIDATE_RESPONSES": "true", "STUB_LOG_LEVEL": "debug", "STUB_PUBLIC_URL": "https://x.test"}
	o, err := parseOptions(nil, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if o.addr != "127.0.0.1:9" || !o.validateResponses || o.logLevel.String() != "DEBUG" || o.publicURL != "https://x.test" {
		t.Fatalf("options from env: %+v", o)
	}
	o, err = parseOptions([]string{"--addr", "127.0.0.1:10"}, func(k string) string { return env[k] })
	if err != nil || o.addr != "127.0.0.1:10" {
		t.Fatalf("a flag must win over the env: %+v %v", o, err)
	}
}

func TestServesDemoWorldUntilCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan net.Addr, 1)
	done := make(chan int, 1)
	var stdout bytes.Buffer
	go func() {
		done <- run(ctx, []string{"--addr", "127.0.0.1:0", "--validate-responses"}, noEnv, &stdout, &bytes.Buffer{}, ready)
	}()
	var addr net.Addr
	select {
	case addr = <-ready:
	case code := <-done:
		t.Fatalf("exited early with %d", code)
	case <-time.After(10 * time.Second):
		t.Fatal("not ready in 10s")
	}
	req, _ := http.NewRequest(http.MethodGet, "http://"+addr.String()+"/v1/Users/alice/Conversations/general", nil)
	req.SetBasicAuth(fixtures.DemoAccountSID, fixtures.DemoAuthToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("demo fetch: %d", resp.StatusCode)
	}
	if !strings.Contains(stdout.String(), fixtures.DemoAuthToken) {
		t.Fatalf("banner does not print the demo credentials: %s", stdout.String())
	}
	cancel()
	select {
	case code := <-done:
		if code != exitOK {
			t.Fatalf("exit status %d after shutdown", code)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("no graceful shutdown in 15s")
	}
}

func TestAdminOptionsFromEnvironmentAndFlags(t *testing.T) {
	env := map[string]string{"STUB_ADMIN_TOKEN": "envtoken", "STUB_JOURNAL_SIZE": "7"}
	getenv := func(k string) string { return env[k] }
	o, err := parseOptions(nil, getenv)
	if err != nil || o.adminToken != "envtoken" || o.journalSize != 7 {
		t.Fatalf("from env: %+v %v", o, err)
	}
	o, err = parseOptions([]string{"--admin-token", "flagtoken", "--journal-size", "9"}, getenv)
	if err != nil || o.adminToken != "flagtoken" || o.journalSize != 9 {
		t.Fatalf("a flag must win over the env: %+v %v", o, err)
	}
	o, err = parseOptions(nil, noEnv)
	if err != nil || o.adminToken != "" || o.journalSize != 1000 {
		t.Fatalf("defaults: %+v %v", o, err)
	}
}

func TestBadAdminOptionsExitWithStatus2(t *testing.T) {
	for _, tt := range []struct {
		args []string
		env  map[string]string
	}{
		{[]string{"--journal-size", "0"}, nil},
		{[]string{"--journal-size", "-3"}, nil},
		{[]string{"--journal-size", "many"}, nil},
		{nil, map[string]string{"STUB_JOURNAL_SIZE": "many"}},
		{[]string{"--admin-token", "has space"}, nil},
		{nil, map[string]string{"STUB_ADMIN_TOKEN": "tab\there"}},
	} {
		getenv := func(k string) string { return tt.env[k] }
		if code := run(context.Background(), tt.args, getenv, &bytes.Buffer{}, &bytes.Buffer{}, nil); code != exitUsage {
			t.Errorf("%v %v: exit status %d, want %d", tt.args, tt.env, code, exitUsage)
		}
	}
}

// startStub runs the stub in this process as runStub does, and also has it
// check its own responses (--validate-responses), so that the tests which
// start a stub this way catch responses that break the API description.
func startStub(t *testing.T, env map[string]string, args ...string) *inProcess {
	t.Helper()
	return runStub(t, env, append([]string{"--validate-responses"}, args...)...)
}

func status(t *testing.T, method, url, authorization string) int {
	t.Helper()
	req, _ := http.NewRequest(method, url, nil)
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestServesTheAdminAPIWithAToken(t *testing.T) {
	stub := startStub(t, map[string]string{"STUB_ADMIN_TOKEN": "runtoken", "STUB_JOURNAL_SIZE": "2"})
	url, stdout := stub.url, stub.stdout
	if got := status(t, http.MethodGet, url+"/_stub/health", ""); got != http.StatusOK {
		t.Fatalf("health: %d", got)
	}
	if got := status(t, http.MethodGet, url+"/_stub/state", ""); got != http.StatusUnauthorized {
		t.Fatalf("state without the token: %d", got)
	}
	if got := status(t, http.MethodGet, url+"/_stub/state", "Bearer runtoken"); got != http.StatusOK {
		t.Fatalf("state with the token: %d", got)
	}
	if strings.Contains(stdout.String(), "runtoken") || !strings.Contains(stdout.String(), "admin API on") ||
		!strings.Contains(stdout.String(), "dashboard: "+url+"/_stub/ui") {
		t.Fatalf("banner: %s", stdout.String())
	}
	// The journal keeps the last 2 requests.
	for range 3 {
		req, _ := http.NewRequest(http.MethodGet, url+"/v1/Users/alice/Conversations/general", nil)
		req.SetBasicAuth(fixtures.DemoAccountSID, fixtures.DemoAuthToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	req, _ := http.NewRequest(http.MethodGet, url+"/_stub/requests", nil)
	req.Header.Set("Authorization", "Bearer runtoken")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var journal struct{ Requests []struct{ Seq int } }
	if err := json.NewDecoder(resp.Body).Decode(&journal); err != nil {
		t.Fatal(err)
	}
	if len(journal.Requests) != 2 || journal.Requests[1].Seq != 3 {
		t.Fatalf("journal: %+v", journal)
	}
}

func TestAdminAPIIsOffWithoutAToken(t *testing.T) {
	stub := startStub(t, nil)
	url, stdout := stub.url, stub.stdout
	if got := status(t, http.MethodGet, url+"/_stub/health", ""); got != http.StatusOK {
		t.Fatalf("health: %d", got)
	}
	for _, auth := range []string{"", "Bearer x"} {
		if got := status(t, http.MethodPost, url+"/_stub/reset", auth); got != http.StatusNotFound {
			t.Fatalf("reset with the admin API off: %d", got)
		}
	}
	if !strings.Contains(stdout.String(), "admin API off") {
		t.Fatalf("banner: %s", stdout.String())
	}
}

// A reset of the binary goes back to the --fixtures file, not the demo.
func TestResetGoesBackToTheFixturesFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f.yaml")
	doc := "accounts:\n  - sid: AC00000000000000000000000000000001\n    auth_token: filetoken\n    services:\n      - users: [{identity: alice}]\n"
	if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	url := startStub(t, nil, "--fixtures", path, "--admin-token", "t0ken").url
	if got := status(t, http.MethodPost, url+"/_stub/reset", "Bearer t0ken"); got != http.StatusNoContent {
		t.Fatalf("reset: %d", got)
	}
	req, _ := http.NewRequest(http.MethodGet, url+"/v1/Users/alice/Conversations", nil)
	req.SetBasicAuth("AC00000000000000000000000000000001", "filetoken")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("the file's account after reset: %d", resp.StatusCode)
	}
}
