package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/twilio-stubs/userconversations/server/internal/testkit"
	"github.com/twilio-stubs/userconversations/server/internal/testkit/pgtest"
)

// engine makes a new, empty store of one kind for a test, as a --store
// value.
type engine struct {
	name     string
	newStore func(t *testing.T) string
}

var (
	memoryEngine = engine{"memory", func(*testing.T) string { return "memory" }}
	sqliteEngine = engine{"sqlite", func(t *testing.T) string {
		return "sqlite:" + filepath.Join(t.TempDir(), "stub.db")
	}}
	// postgresEngine's URLs carry dbPassword (the test cluster trusts
	// local connections, so any password does): the tests check it never
	// shows.
	postgresEngine = engine{"postgres", func(t *testing.T) string {
		u, err := url.Parse(pgtest.NewDatabase(t))
		if err != nil {
			t.Fatal(err)
		}
		u.User = url.UserPassword(u.User.Username(), dbPassword)
		return u.String()
	}}
	durableEngines = []engine{sqliteEngine, postgresEngine}
	allEngines     = []engine{memoryEngine, sqliteEngine, postgresEngine}
)

// inProcess is the stub run in this process by run, until stop.
type inProcess struct {
	t      *testing.T
	url    string
	stdout *bytes.Buffer
	stderr *testkit.LogBuffer
	cancel context.CancelFunc
	done   chan int
}

// runStub runs the stub in this process with args (and --addr), until the
// test ends or stop is called.
func runStub(t *testing.T, env map[string]string, args ...string) *inProcess {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	p := &inProcess{t: t, stdout: &bytes.Buffer{}, stderr: &testkit.LogBuffer{}, cancel: cancel, done: make(chan int, 1)}
	ready := make(chan net.Addr, 1)
	go func() {
		p.done <- run(ctx, append([]string{"--addr", "127.0.0.1:0"}, args...), func(k string) string { return env[k] }, p.stdout, p.stderr, ready)
	}()
	t.Cleanup(func() { p.stop() })
	select {
	case addr := <-ready:
		p.url = "http://" + addr.String()
	case code := <-p.done:
		p.done <- code
		t.Fatalf("exited with %d before serving: %s", code, p.stderr)
	case <-time.After(60 * time.Second):
		t.Fatal("not serving in 60 s")
	}
	return p
}

// stop stops the stub and returns its exit status.
func (p *inProcess) stop() int {
	p.t.Helper()
	p.cancel()
	select {
	case code := <-p.done:
		p.done <- code // for a later stop
		return code
	case <-time.After(30 * time.Second):
		p.t.Fatal("no shutdown in 30 s")
		return -1
	}
}

// call sends a request with HTTP Basic credentials (user:password) or,
// under /_stub/, the admin token; body is a form or JSON as the path
// wants. It returns the status and the body.
func call(t *testing.T, base, method, path, credentials, body string) (int, string) {
	t.Helper()
	status, out, err := request(base, method, path, credentials, body)
	if err != nil {
		t.Fatal(err)
	}
	return status, out
}

// request is call returning its error instead of failing the test, for
// goroutines other than the test's own: t.Fatal must not be called from
// them, since FailNow only stops the goroutine that calls it.
func request(base, method, path, credentials, body string) (int, string, error) {
	req, err := http.NewRequest(method, base+path, strings.NewReader(body))
	if err != nil {
		return 0, "", err
	}
	if strings.HasPrefix(path, "/_stub/") {
		req.Header.Set("Authorization", "Bearer "+credentials)
		req.Header.Set("Content-Type", "application/json")
	} else {
		user, password, _ := strings.Cut(credentials, ":")
		req.SetBasicAuth(user, password)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, "", err
	}
	return resp.StatusCode, string(data), nil
}

// writeFile writes a file in the test's temporary folder.
func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
