package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/twilio-stubs/userconversations/server/internal/testkit"
	"github.com/twilio-stubs/userconversations/server/internal/testkit/pgtest"
)

// The tests that need the stub as a process of its own (memory, signals)
// run this test binary again as the stub: with processEnv set, TestMain
// runs main's body on the arguments after "--".
const processEnv = "CONVERSATIONS_STUB_AS_PROCESS"

func TestMain(m *testing.M) {
	if os.Getenv(processEnv) == "1" {
		args := os.Args
		for i, a := range args {
			if a == "--" {
				args = args[i+1:]
				break
			}
		}
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		code := run(ctx, args, os.Getenv, os.Stdout, os.Stderr, nil)
		stop()
		os.Exit(code)
	}
	// The PostgreSQL tests run on the server pgtest finds or starts.
	os.Exit(pgtest.Main(m))
}

// stubProcess is the stub running as a process of its own.
type stubProcess struct {
	cmd    *exec.Cmd
	URL    string // http://127.0.0.1:port, once it serves
	stdin  io.WriteCloser
	stderr *testkit.LogBuffer
	lines  chan string // of standard output
	done   chan struct{}
}

// startProcess starts the stub with args (and env, KEY=VALUE), and waits
// until it says where it serves, when it serves at all.
func startProcess(t *testing.T, env []string, args ...string) *stubProcess {
	t.Helper()
	p := launch(t, env, false, args...)
	p.waitServing(t)
	return p
}

// startProcessWithStdin starts the stub with a pipe for its standard
// input, and does not wait for it to serve.
func startProcessWithStdin(t *testing.T, args ...string) *stubProcess {
	t.Helper()
	return launch(t, nil, true, args...)
}

func launch(t *testing.T, env []string, withStdin bool, args ...string) *stubProcess {
	t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"-test.run=^$", "--"}, args...)...)
	cmd.Env = append(append(os.Environ(), processEnv+"=1"), env...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	p := &stubProcess{cmd: cmd, stderr: &testkit.LogBuffer{}, done: make(chan struct{}), lines: make(chan string, 16)}
	if withStdin {
		if p.stdin, err = cmd.StdinPipe(); err != nil {
			t.Fatal(err)
		}
	}
	cmd.Stderr = p.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-p.done
	})
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			p.lines <- sc.Text()
		}
		close(p.lines)
		_, _ = io.Copy(io.Discard, stdout)
	}()
	go func() {
		_ = cmd.Wait()
		close(p.done)
	}()
	return p
}

// waitServing waits until the stub says where it serves, or exits.
func (p *stubProcess) waitServing(t *testing.T) {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		select {
		case line, ok := <-p.lines:
			if !ok {
				return // it exited without serving; the caller looks at why
			}
			if url, found := strings.CutPrefix(line, "conversations-stub serving on "); found {
				p.URL = url
				go func() {
					for range p.lines {
					}
				}()
				return
			}
		case <-deadline:
			t.Fatalf("the stub did not start in 30 s: %s", p.stderr)
		}
	}
}

// exitCode waits for the process to end, at most d, and returns its status.
func (p *stubProcess) exitCode(t *testing.T, d time.Duration) int {
	t.Helper()
	select {
	case <-p.done:
		return p.cmd.ProcessState.ExitCode()
	case <-time.After(d):
		t.Fatalf("the stub did not exit in %v", d)
		return -1
	}
}

// memory returns the process's resident set size and its peak, in bytes.
func (p *stubProcess) memory(t *testing.T) (rss, peak int64) {
	t.Helper()
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	if err != nil {
		t.Skipf("no /proc: %v", err)
	}
	for _, line := range strings.Split(string(status), "\n") {
		field, value, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(value), " kB"), 10, 64)
		switch field {
		case "VmRSS":
			rss = kb << 10
		case "VmHWM":
			peak = kb << 10
		}
	}
	return rss, peak
}
