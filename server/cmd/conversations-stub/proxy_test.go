package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/twilio-stubs/userconversations/server/fixtures"
	"github.com/twilio-stubs/userconversations/server/internal/testkit"
)

func TestProxyOptions(t *testing.T) {
	env := map[string]string{"STUB_UPSTREAM": "https://conversations.twilio.com", "STUB_UPSTREAM_TIMEOUT": "5s", "STUB_UPSTREAM_STRICT": "true", "STUB_RECORD": "rec.yaml"}
	o, err := parseOptions(nil, func(k string) string { return env[k] })
	if err != nil || o.upstream != env["STUB_UPSTREAM"] || o.upstreamTimeout != 5*time.Second || !o.upstreamStrict || o.record != "rec.yaml" {
		t.Fatalf("from env: %+v %v", o, err)
	}
	missing := filepath.Join(t.TempDir(), "no", "such", "rec.json")
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--record", "rec.json"}, "--record needs --upstream"},
		{[]string{"--upstream-strict"}, "--upstream-strict needs --upstream"},
		{[]string{"--upstream", "conversations.twilio.com"}, "must start with http"},
		{[]string{"--upstream", "https://AC1:s3cr3t@conversations.twilio.com"}, "must not hold credentials"},
		{[]string{"--upstream", "https://x.test", "--upstream-timeout", "0s"}, "must be above 0"},
		{[]string{"--upstream", "https://x.test", "--upstream-timeout", "2m"}, "at most 50s"},
		{[]string{"--upstream", "https://x.test", "--fixtures", "f.yaml"}, "exclude each other"},
		{[]string{"--upstream", "https://x.test", "--record", missing}, "its folder does not exist"},
	} {
		var stderr bytes.Buffer
		code := run(context.Background(), append(tt.args, "--addr", "127.0.0.1:0"), noEnv, &bytes.Buffer{}, &stderr, nil)
		if code != exitUsage || !strings.Contains(stderr.String(), tt.want) || strings.Contains(stderr.String(), "s3cr3t") {
			t.Errorf("%v: exit %d: %s", tt.args, code, stderr.String())
		}
	}
}

// --record keeps the file up to date while the stub serves, and writes it
// a last time on shutdown: a deletion answered just before the stop is in
// it. No secret is.
func TestRecordFile(t *testing.T) {
	upstream := testkit.NewStub(t)
	file := filepath.Join(t.TempDir(), "recorded.yaml")
	p := runStub(t, nil, "--upstream", upstream.URL, "--record", file)
	credentials := testkit.AccountA + ":" + testkit.TokenA
	participants := func() int {
		w, err := fixtures.Load(file)
		if err != nil {
			return -1
		}
		return len(w.Accounts[0].Services[0].Conversations[0].Participants)
	}

	mustStatus(t, p.url, http.MethodGet, "/v1/Users/alice/Conversations/general", credentials, "", http.StatusOK)
	mustStatus(t, p.url, http.MethodGet, "/v1/Users/bob/Conversations/general", credentials, "", http.StatusOK)
	for deadline := time.Now().Add(10 * time.Second); participants() != 2; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the recording was not written while serving: %s", p.stderr)
		}
	}
	mustStatus(t, p.url, http.MethodDelete, "/v1/Users/alice/Conversations/general", credentials, "", http.StatusNoContent)
	if code := p.stop(); code != exitOK {
		t.Fatalf("exit %d: %s", code, p.stderr)
	}
	if n := participants(); n != 1 {
		t.Fatalf("%d participants in the last recording, want bob alone", n)
	}
	data, _ := os.ReadFile(file)
	if secret := testkit.TokenA; strings.Contains(string(data), secret) || strings.Contains(p.stderr.String(), secret) || strings.Contains(p.stdout.String(), secret) {
		t.Fatalf("%q is recorded, logged or printed", secret)
	}
	if !strings.Contains(p.stdout.String(), "proxy mode") || !strings.Contains(p.stderr.String(), "recording written") {
		t.Fatalf("stdout:\n%s\nstderr:\n%s", p.stdout, p.stderr)
	}
}

// Proxy mode serves the upstream's world: the demo world is not loaded
// into a store it never serves (the admin API's export shows none).
func TestProxyModeSeedsNoWorld(t *testing.T) {
	upstream := testkit.NewStub(t)
	p := runStub(t, nil, "--upstream", upstream.URL, "--admin-token", "proxy-admin")
	code, body := call(t, p.url, http.MethodGet, "/_stub/state", "proxy-admin", "")
	var world struct {
		Accounts []json.RawMessage `json:"accounts"`
	}
	if err := json.Unmarshal([]byte(body), &world); err != nil || code != http.StatusOK {
		t.Fatalf("export: %d, %v: %s", code, err, body)
	}
	if len(world.Accounts) != 0 {
		t.Errorf("the store holds %d accounts in proxy mode, want none", len(world.Accounts))
	}
	if code := p.stop(); code != exitOK {
		t.Fatalf("exit %d: %s", code, p.stderr)
	}
}
