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
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ready := make(chan net.Addr, 1)
	done := make(chan int, 1)
	var stdout, stderr testkit.LogBuffer
	go func() {
		done <- run(ctx, []string{"--addr", "127.0.0.1:0", "--upstream", upstream.URL, "--record", file}, noEnv, &stdout, &stderr, ready)
	}()
	var base string
	select {
	case addr := <-ready:
		base = "http://" + addr.String()
	case code := <-done:
		t.Fatalf("exited early with %d: %s", code, stderr.String())
	}
	send := func(method, path string, want int) {
		t.Helper()
		req, _ := http.NewRequest(method, base+path, nil)
		req.SetBasicAuth(testkit.AccountA, testkit.TokenA)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Fatalf("%s %s: %d, want %d", method, path, resp.StatusCode, want)
		}
	}
	participants := func() int {
		w, err := fixtures.Load(file)
		if err != nil {
			return -1
		}
		return len(w.Accounts[0].Services[0].Conversations[0].Participants)
	}

	send(http.MethodGet, "/v1/Users/alice/Conversations/general", http.StatusOK)
	send(http.MethodGet, "/v1/Users/bob/Conversations/general", http.StatusOK)
	for deadline := time.Now().Add(10 * time.Second); participants() != 2; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the recording was not written while serving: %s", stderr.String())
		}
	}
	send(http.MethodDelete, "/v1/Users/alice/Conversations/general", http.StatusNoContent)
	cancel()
	if code := <-done; code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if n := participants(); n != 1 {
		t.Fatalf("%d participants in the last recording, want bob alone", n)
	}
	data, _ := os.ReadFile(file)
	for _, secret := range []string{testkit.TokenA} {
		if strings.Contains(string(data), secret) || strings.Contains(stderr.String(), secret) || strings.Contains(stdout.String(), secret) {
			t.Fatalf("%q is recorded, logged or printed", secret)
		}
	}
	if !strings.Contains(stdout.String(), "proxy mode") || !strings.Contains(stderr.String(), "recording written") {
		t.Fatalf("stdout:\n%s\nstderr:\n%s", stdout.String(), stderr.String())
	}
}

// Proxy mode serves the upstream's world: the demo world is not loaded
// into a store it never serves (the admin API's export shows none).
func TestProxyModeSeedsNoWorld(t *testing.T) {
	upstream := testkit.NewStub(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ready := make(chan net.Addr, 1)
	done := make(chan int, 1)
	var stdout, stderr testkit.LogBuffer
	go func() {
		done <- run(ctx, []string{"--addr", "127.0.0.1:0", "--upstream", upstream.URL, "--admin-token", "proxy-admin"}, noEnv, &stdout, &stderr, ready)
	}()
	var base string
	select {
	case addr := <-ready:
		base = "http://" + addr.String()
	case code := <-done:
		t.Fatalf("exited early with %d: %s", code, stderr.String())
	}
	req, _ := http.NewRequest(http.MethodGet, base+"/_stub/state", nil)
	req.Header.Set("Authorization", "Bearer proxy-admin")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var world struct {
		Accounts []json.RawMessage `json:"accounts"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&world); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("export: %d, %v", resp.StatusCode, err)
	}
	if len(world.Accounts) != 0 {
		t.Errorf("the store holds %d accounts in proxy mode, want none", len(world.Accounts))
	}
	cancel()
	if code := <-done; code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
}
