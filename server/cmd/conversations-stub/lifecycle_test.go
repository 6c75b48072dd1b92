package main

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Fixtures the stub could wait on forever, or read without end, are
// refused at once: a FIFO, a device.
func TestFixturesMustBeARegularFile(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "fixtures.fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	for _, name := range []string{fifo, "/dev/zero"} {
		p := startProcess(t, nil, "--addr", "127.0.0.1:0", "--fixtures", name)
		if code := p.exitCode(t, 10*time.Second); code != exitUsage || !strings.Contains(p.stderr.String(), "not a regular file") {
			t.Errorf("%s: exit %d: %s", name, code, p.stderr)
		}
	}
}

// A signal ends a start-up that is still loading: here, reading fixtures
// from a standard input that never closes.
func TestSignalEndsALoadingStartUp(t *testing.T) {
	p := startProcessWithStdin(t, "--addr", "127.0.0.1:0", "--fixtures", "-")
	// It says so once it reads standard input, its signal handler set: a
	// signal before that would end the process as the runtime does.
	for deadline := time.Now().Add(30 * time.Second); !strings.Contains(p.stderr.String(), "reading the fixtures from standard input"); {
		if time.Now().After(deadline) {
			t.Fatalf("the stub did not start reading standard input: %s", p.stderr)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code := p.exitCode(t, 5*time.Second); code != exitFailure || !strings.Contains(p.stderr.String(), "stopped while loading") {
		t.Fatalf("exit %d: %s", code, p.stderr)
	}
}

// Standard input is a fixtures file too ("-").
func TestFixturesFromStandardInput(t *testing.T) {
	doc := "accounts:\n  - sid: AC00000000000000000000000000000001\n    auth_token: stdintoken\n    services: [{users: [{identity: alice}]}]\n"
	p := startProcessWithStdin(t, "--addr", "127.0.0.1:0", "--fixtures", "-")
	if _, err := p.stdin.Write([]byte(doc)); err != nil {
		t.Fatal(err)
	}
	p.stdin.Close()
	p.waitServing(t)
	req, _ := http.NewRequest(http.MethodGet, p.URL+"/v1/Users/alice/Conversations", nil)
	req.SetBasicAuth("AC00000000000000000000000000000001", "stdintoken")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("the world from standard input: %d", resp.StatusCode)
	}
}

// A YAML file with a second document is refused, not half read.
func TestFixturesWithTwoDocumentsAreRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "two.yaml")
	doc := "accounts:\n  - sid: AC00000000000000000000000000000001\n    auth_token: x\n    services: [{}]\n"
	if err := os.WriteFile(path, []byte(doc+"---\n"+doc), 0o600); err != nil {
		t.Fatal(err)
	}
	p := startProcess(t, nil, "--addr", "127.0.0.1:0", "--fixtures", path)
	if code := p.exitCode(t, 10*time.Second); code != exitUsage || !strings.Contains(p.stderr.String(), "followed by another") {
		t.Fatalf("exit %d: %s", code, p.stderr)
	}
}

// Told to stop, the stub lets requests in flight finish for
// --shutdown-timeout, then cuts the rest and exits 0.
func TestShutdownTimeout(t *testing.T) {
	for _, tt := range []struct {
		timeout  string
		answered bool
	}{{"5s", true}, {"100ms", false}} {
		t.Run(tt.timeout, func(t *testing.T) {
			p := startProcess(t, []string{"STUB_ADMIN_TOKEN=shutdown-admin"}, "--addr", "127.0.0.1:0", "--shutdown-timeout", tt.timeout)
			if p.URL == "" {
				t.Fatalf("did not serve: %s", p.stderr)
			}
			fault, _ := http.NewRequest(http.MethodPut, p.URL+"/_stub/faults", strings.NewReader(`{"delay":{"min_ms":1500}}`))
			fault.Header.Set("Authorization", "Bearer shutdown-admin")
			fault.Header.Set("Content-Type", "application/json")
			if resp, err := http.DefaultClient.Do(fault); err != nil || resp.StatusCode != http.StatusCreated {
				t.Fatalf("fault: %v %v", err, resp)
			}
			status := make(chan int, 1)
			go func() {
				req, _ := http.NewRequest(http.MethodGet, p.URL+"/v1/Users/alice/Conversations/general", nil)
				req.SetBasicAuth("ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "demoauthtoken")
				resp, err := (&http.Client{Transport: &http.Transport{DisableKeepAlives: true}}).Do(req)
				if err != nil {
					status <- 0
					return
				}
				resp.Body.Close()
				status <- resp.StatusCode
			}()
			time.Sleep(300 * time.Millisecond) // the request is in its delay
			if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
			if code := p.exitCode(t, 10*time.Second); code != exitOK {
				t.Errorf("exit %d: %s", code, p.stderr)
			}
			if got := <-status; (got == http.StatusOK) != tt.answered {
				t.Errorf("the request in flight got %d (0: cut); answered: %v", got, tt.answered)
			}
			if !tt.answered && !strings.Contains(p.stderr.String(), "were cut") {
				t.Errorf("the log does not say requests were cut: %s", p.stderr)
			}
		})
	}
}
