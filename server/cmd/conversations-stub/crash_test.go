package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// loadWorldYAML is a fixture document: ana, in n conversations of a
// million messages each, none read.
func loadWorldYAML(n int) string {
	var b strings.Builder
	b.WriteString("accounts:\n  - sid: AC00000000000000000000000000000001\n    auth_token: tokenone\n    services:\n      - users: [{identity: ana}]\n        conversations:\n")
	for i := range n {
		fmt.Fprintf(&b, "          - unique_name: c%d\n            message_count: 1000000\n            participants: [{user: ana}]\n", i)
	}
	return b.String()
}

const (
	crashConversations = 16
	crashWriters       = 8
	crashAcks          = 300 // updates answered 200 before the kill
)

// TestCrashUnderLoad kills the stub (kill -9) while it answers concurrent
// updates over HTTP, on each durable store, restarts it on the same store,
// and finds every update answered 200 before the kill.
func TestCrashUnderLoad(t *testing.T) {
	for _, e := range durableEngines {
		t.Run(e.name, func(t *testing.T) {
			st := e.newStore(t)
			fixtures := writeFile(t, "load.yaml", loadWorldYAML(crashConversations))
			env := []string{"STUB_STORE=" + st}
			p := startProcess(t, env, "--addr", "127.0.0.1:0", "--fixtures", fixtures, "--log-level", "warn")
			if p.URL == "" {
				t.Fatalf("the stub did not start: %s", p.stderr)
			}

			acked := hammer(t, p.URL, func() {
				if err := p.cmd.Process.Kill(); err != nil { // SIGKILL
					t.Errorf("kill: %v", err)
				}
			})
			if code := p.exitCode(t, 30*time.Second); code != -1 {
				t.Fatalf("the stub ended with %d, want killed: %s", code, p.stderr)
			}

			again := startProcess(t, env, "--addr", "127.0.0.1:0", "--fixtures", fixtures, "--log-level", "warn")
			if again.URL == "" {
				t.Fatalf("the stub did not restart: %s", again.stderr)
			}
			for conv, index := range acked {
				body := mustStatus(t, again.URL, http.MethodGet, fmt.Sprintf("/v1/Users/ana/Conversations/c%d", conv), credsA, "", http.StatusOK)
				var uc struct {
					LastRead *int `json:"last_read_message_index"`
				}
				if err := json.Unmarshal([]byte(body), &uc); err != nil {
					t.Fatal(err)
				}
				if uc.LastRead == nil || *uc.LastRead < index {
					t.Errorf("c%d: read index %v after the crash, but %d was answered 200 before it", conv, uc.LastRead, index)
				}
			}
		})
	}
}

// hammer updates ana's conversations from crashWriters goroutines, writer
// g setting the read index of its conversations (those i with i %
// crashWriters == g) to 1, 2, 3, ... in turn, and calls kill once
// crashAcks updates were answered 200. It returns the highest index
// answered 200 for each conversation; the writers stop at their first
// failed request.
func hammer(t *testing.T, base string, kill func()) map[int]int {
	t.Helper()
	client := &http.Client{Timeout: 10 * time.Second}
	var mu sync.Mutex
	acked := map[int]int{}
	n := 0
	var once sync.Once
	var wg sync.WaitGroup
	deadline := time.Now().Add(2 * time.Minute) // a guard, not a speed limit
	account, token, _ := strings.Cut(credsA, ":")
	for g := range crashWriters {
		wg.Go(func() {
			for index := 1; time.Now().Before(deadline); index++ {
				for conv := g; conv < crashConversations; conv += crashWriters {
					req, _ := http.NewRequest(http.MethodPost, fmt.Sprintf("%s/v1/Users/ana/Conversations/c%d", base, conv),
						strings.NewReader(fmt.Sprintf("LastReadMessageIndex=%d", index)))
					req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
					req.SetBasicAuth(account, token)
					resp, err := client.Do(req)
					if err != nil {
						return // the stub is gone
					}
					_, err = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != http.StatusOK || err != nil {
						return
					}
					mu.Lock()
					acked[conv] = max(acked[conv], index)
					n++
					if n == crashAcks {
						once.Do(kill)
					}
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	if n < crashAcks {
		t.Fatalf("%d updates answered before the writers stopped, want %d", n, crashAcks)
	}
	t.Logf("%d updates answered 200, the kill sent after the %dth", n, crashAcks)
	return acked
}
