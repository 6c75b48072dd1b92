package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twilio-stubs/userconversations/server/internal/admin"
)

const replicaAdminToken = "replica-admin-token"

// TestReplicas runs two stub processes on one PostgreSQL database, as two
// replicas behind a load balancer would: what one is told, the other
// knows.
func TestReplicas(t *testing.T) {
	st := postgresEngine.newStore(t)
	fixtures := writeFile(t, "replicas.yaml", loadWorldYAML(crashConversations))
	env := []string{"STUB_STORE=" + st, "STUB_ADMIN_TOKEN=" + replicaAdminToken}
	a := startProcess(t, env, "--addr", "127.0.0.1:0", "--fixtures", fixtures)
	b := startProcess(t, env, "--addr", "127.0.0.1:0", "--fixtures", fixtures)
	if a.URL == "" || b.URL == "" {
		t.Fatalf("the replicas did not start:\nA: %s\nB: %s", a.stderr, b.stderr)
	}

	t.Run("an update through A, a fetch through B", func(t *testing.T) {
		mustStatus(t, a.URL, http.MethodPost, "/v1/Users/ana/Conversations/c0", credsA, "LastReadMessageIndex=77&NotificationLevel=muted", http.StatusOK)
		got := mustStatus(t, b.URL, http.MethodGet, "/v1/Users/ana/Conversations/c0", credsA, "", http.StatusOK)
		if !strings.Contains(got, `"last_read_message_index":77`) || !strings.Contains(got, `"notification_level":"muted"`) {
			t.Errorf("B: %s", got)
		}
	})

	t.Run("a list started on A goes on on B", func(t *testing.T) {
		var seen []string
		next := "/v1/Users/ana/Conversations?PageSize=5"
		for i := 0; next != ""; i++ {
			base := []string{a.URL, b.URL}[i%2]
			var page struct {
				Conversations []struct {
					UniqueName string `json:"unique_name"`
				}
				Meta struct {
					NextPageURL *string `json:"next_page_url"`
				}
			}
			if err := json.Unmarshal([]byte(mustStatus(t, base, http.MethodGet, next, credsA, "", http.StatusOK)), &page); err != nil {
				t.Fatal(err)
			}
			for _, c := range page.Conversations {
				seen = append(seen, c.UniqueName)
			}
			next = ""
			if page.Meta.NextPageURL != nil {
				u, err := url.Parse(*page.Meta.NextPageURL)
				if err != nil {
					t.Fatal(err)
				}
				next = u.RequestURI()
			}
		}
		if len(seen) != crashConversations || seen[0] != "c0" || seen[crashConversations-1] != fmt.Sprintf("c%d", crashConversations-1) {
			t.Errorf("the pages through A and B in turn: %v", seen)
		}
	})

	t.Run("concurrent updates through both lose nothing", func(t *testing.T) {
		// Writer g, on replica g%2, owns the conversations i with i%8 == g
		// and sets their read index 1..10; meanwhile the other replica
		// mutes them: another field of the same participants.
		var wg sync.WaitGroup
		for g := range 8 {
			own, other := []*stubProcess{a, b}[g%2], []*stubProcess{b, a}[g%2]
			wg.Go(func() {
				for index := 1; index <= 10; index++ {
					for conv := g; conv < crashConversations; conv += 8 {
						if _, ok := checkStatus(t, own.URL, http.MethodPost, fmt.Sprintf("/v1/Users/ana/Conversations/c%d", conv), credsA, fmt.Sprintf("LastReadMessageIndex=%d", index), http.StatusOK); !ok {
							return
						}
					}
				}
			})
			wg.Go(func() {
				for conv := g; conv < crashConversations; conv += 8 {
					if _, ok := checkStatus(t, other.URL, http.MethodPost, fmt.Sprintf("/v1/Users/ana/Conversations/c%d", conv), credsA, "NotificationLevel=muted", http.StatusOK); !ok {
						return
					}
				}
			})
		}
		wg.Wait()
		for conv := range crashConversations {
			got := mustStatus(t, []string{b.URL, a.URL}[conv%2], http.MethodGet, fmt.Sprintf("/v1/Users/ana/Conversations/c%d", conv), credsA, "", http.StatusOK)
			if !strings.Contains(got, `"last_read_message_index":10,`) || !strings.Contains(got, `"notification_level":"muted"`) {
				t.Errorf("c%d lost an update: %s", conv, got)
			}
		}
	})

	t.Run("a fault set through A fires on B", func(t *testing.T) {
		mustStatus(t, a.URL, http.MethodPut, "/_stub/faults", replicaAdminToken,
			`{"id": "five", "operation": "FetchUserConversation", "error": {"status": 503}, "times": 5}`, http.StatusCreated)
		var faulted atomic.Int64
		start := time.Now()
		for {
			status, _ := call(t, b.URL, http.MethodGet, "/v1/Users/ana/Conversations/c1", credsA, "")
			if status == http.StatusServiceUnavailable {
				faulted.Add(1)
				break
			}
			if time.Since(start) > 5*time.Second {
				t.Fatal("the fault set through A never fired on B")
			}
			time.Sleep(5 * time.Millisecond)
		}
		delay := time.Since(start)
		t.Logf("the fault set through A fired on B after %v (propagation: every %v)", delay, admin.FaultPropagation)
		if delay > admin.FaultPropagation+time.Second {
			t.Errorf("the fault took %v to reach B, documented %v (a second's margin)", delay, admin.FaultPropagation)
		}
		// The other four of its five, exactly, to requests through both.
		var wg sync.WaitGroup
		for g := range 8 {
			wg.Go(func() {
				for range 4 {
					status, _, err := request([]string{a.URL, b.URL}[g%2], http.MethodGet, "/v1/Users/ana/Conversations/c1", credsA, "")
					if err != nil {
						t.Error(err)
						return
					}
					if status == http.StatusServiceUnavailable {
						faulted.Add(1)
					}
				}
			})
		}
		wg.Wait()
		if n := faulted.Load(); n != 5 {
			t.Errorf("the fault of times 5 answered %d requests", n)
		}
		if got := mustStatus(t, b.URL, http.MethodGet, "/_stub/faults", replicaAdminToken, "", http.StatusOK); !strings.Contains(got, `"applied":5`) {
			t.Errorf("B's list: %s", got)
		}
		mustStatus(t, b.URL, http.MethodDelete, "/_stub/faults/five", replicaAdminToken, "", http.StatusNoContent)
	})

	t.Run("the journal read through B shows what A answered", func(t *testing.T) {
		mustStatus(t, a.URL, http.MethodGet, "/v1/Users/ana/Conversations/c2?marker=from-a", credsA, "", http.StatusOK)
		start := time.Now()
		for {
			got := mustStatus(t, b.URL, http.MethodGet, "/_stub/requests?path=/v1/Users/ana/Conversations/c2", replicaAdminToken, "", http.StatusOK)
			if strings.Contains(got, "from-a") {
				break
			}
			if time.Since(start) > 5*time.Second {
				t.Fatalf("B's journal never showed A's request: %s", got)
			}
			time.Sleep(5 * time.Millisecond)
		}
		delay := time.Since(start)
		t.Logf("A's request showed in B's journal after %v (entries wait up to %v to be written)", delay, admin.JournalDelay)
		if delay > admin.JournalDelay+time.Second {
			t.Errorf("the entry took %v to reach B, documented %v (a second's margin)", delay, admin.JournalDelay)
		}
	})

	t.Run("no password anywhere", func(t *testing.T) {
		var seen strings.Builder
		for _, path := range []string{"/_stub/requests", "/_stub/faults", "/_stub/state", "/_stub/metrics"} {
			seen.WriteString(mustStatus(t, a.URL, http.MethodGet, path, replicaAdminToken, "", http.StatusOK))
		}
		seen.WriteString(a.stderr.String() + b.stderr.String())
		if strings.Contains(seen.String(), dbPassword) {
			t.Errorf("the database password shows in the logs or the admin API")
		}
		if !strings.Contains(a.stderr.String(), "xxxxx@") {
			t.Errorf("the log does not say which store, password masked:\n%s", a.stderr)
		}
	})
}
