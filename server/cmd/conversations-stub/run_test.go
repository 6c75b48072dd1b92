package main

import (
	"bytes"
	"context"
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
	o, err := parseOptions(nil, func(k string) string { return env[k] }, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if o.addr != "127.0.0.1:9" || !o.validateResponses || o.logLevel.String() != "DEBUG" || o.publicURL != "https://x.test" {
		t.Fatalf("options from env: %+v", o)
	}
	o, err = parseOptions([]string{"--addr", "127.0.0.1:10"}, func(k string) string { return env[k] }, &bytes.Buffer{})
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
