package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twilio-stubs/userconversations/server"
	"github.com/twilio-stubs/userconversations/server/fixtures"
	"github.com/twilio-stubs/userconversations/server/internal/admin"
	"github.com/twilio-stubs/userconversations/server/store"
	"github.com/twilio-stubs/userconversations/server/store/sqlite"
)

// Replicas in one process: two Servers, each with its own handle on one
// SQLite file, as two stub processes on one database would be. The
// process-level tests (two binaries on PostgreSQL) are the binary's; these
// run the same rules fast, under the race detector.

const replicaToken = "replica-admin-token"

// countingStore counts the calls a replica makes to what store.Shared
// adds, to show which requests cost a database round trip.
type countingStore struct {
	*sqlite.Store
	applied, versions, rules, appends atomic.Int64
}

func (c *countingStore) ApplyFaultRule(ctx context.Context, id string) (int, bool, error) {
	c.applied.Add(1)
	return c.Store.ApplyFaultRule(ctx, id)
}

func (c *countingStore) FaultRulesVersion(ctx context.Context) (int64, error) {
	c.versions.Add(1)
	return c.Store.FaultRulesVersion(ctx)
}

func (c *countingStore) FaultRules(ctx context.Context) ([]store.FaultRule, int64, error) {
	c.rules.Add(1)
	return c.Store.FaultRules(ctx)
}

func (c *countingStore) AppendRequests(ctx context.Context, e []store.JournalEntry, n int, b int64) error {
	c.appends.Add(1)
	return c.Store.AppendRequests(ctx, e, n, b)
}

// replica is one Server on a shared file.
type replica struct {
	t     *testing.T
	URL   string
	store *countingStore
}

// newReplica serves the demo world from the SQLite file at path (seeding
// it if it is new), with the admin API on; configure adjusts the config.
func newReplica(t *testing.T, path string, configure func(*server.Config)) *replica {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	cs := &countingStore{Store: st}
	if _, err := st.Seed(ctx, func() (store.World, error) { return fixtures.Demo(), nil }); err != nil {
		t.Fatal(err)
	}
	cfg := server.Config{Store: cs, ValidateResponses: true, AdminToken: replicaToken, Fixtures: fixtures.Demo()}
	if configure != nil {
		configure(&cfg)
	}
	srv, err := server.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(func() {
		ts.Close()
		if err := srv.Close(); err != nil {
			t.Errorf("Server.Close: %v", err)
		}
		if err := st.Close(); err != nil {
			t.Errorf("store Close: %v", err)
		}
	})
	return &replica{t: t, URL: ts.URL, store: cs}
}

// replicaPair is two replicas on one new file.
func replicaPair(t *testing.T, configure func(*server.Config)) (*replica, *replica) {
	path := filepath.Join(t.TempDir(), "stub.db")
	return newReplica(t, path, configure), newReplica(t, path, configure)
}

// do sends a request: to the Twilio API as the demo account, or with the
// admin token under /_stub/; a body is JSON for the admin API, a form for
// the Twilio API. It returns the status and the body.
func (r *replica) do(method, path, body string) (int, string) {
	r.t.Helper()
	status, out, err := r.request(method, path, body)
	if err != nil {
		r.t.Fatal(err)
	}
	return status, out
}

// request is do returning its error instead of failing the test, for
// goroutines other than the test's own: t.Fatal must not be called from
// them, since FailNow only stops the goroutine that calls it.
func (r *replica) request(method, path, body string) (int, string, error) {
	req, err := http.NewRequest(method, r.URL+path, strings.NewReader(body))
	if err != nil {
		return 0, "", err
	}
	if strings.HasPrefix(path, admin.PathPrefix) {
		req.Header.Set("Authorization", "Bearer "+replicaToken)
		req.Header.Set("Content-Type", "application/json")
	} else {
		req.SetBasicAuth(fixtures.DemoAccountSID, fixtures.DemoAuthToken)
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

// must is do, failing unless the status is want.
func (r *replica) must(want int, method, path, body string) string {
	r.t.Helper()
	out, ok := r.check(want, method, path, body)
	if !ok {
		r.t.FailNow()
	}
	return out
}

// check is must without the stop: it reports a failed request or a status
// other than want with t.Errorf and returns false, so that a goroutine
// other than the test's can use it and return.
func (r *replica) check(want int, method, path, body string) (string, bool) {
	r.t.Helper()
	status, out, err := r.request(method, path, body)
	if err != nil {
		r.t.Errorf("%s %s: %v", method, path, err)
		return "", false
	}
	if status != want {
		r.t.Errorf("%s %s: %d, want %d: %s", method, path, status, want, out)
		return out, false
	}
	return out, true
}

// eventually polls check every 10 ms until it holds or limit passes, and
// returns how long it took.
func eventually(t *testing.T, limit time.Duration, what string, check func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for !check() {
		if time.Since(start) > limit {
			t.Fatalf("%s: not within %v", what, limit)
		}
		time.Sleep(10 * time.Millisecond)
	}
	return time.Since(start)
}

const generalPath = "/v1/Users/alice/Conversations/general"

func TestReplicasShareTheWorldAndPageTokens(t *testing.T) {
	a, b := replicaPair(t, nil)
	a.must(http.StatusOK, http.MethodPost, generalPath, "LastReadMessageIndex=111")
	if got := b.must(http.StatusOK, http.MethodGet, generalPath, ""); !strings.Contains(got, `"last_read_message_index":111`) {
		t.Errorf("B after an update through A: %s", got)
	}

	var first struct {
		Meta struct {
			NextPageURL string `json:"next_page_url"`
		} `json:"meta"`
	}
	if err := json.Unmarshal([]byte(a.must(http.StatusOK, http.MethodGet, "/v1/Users/alice/Conversations?PageSize=2", "")), &first); err != nil {
		t.Fatal(err)
	}
	next, err := url.Parse(first.Meta.NextPageURL)
	if err != nil || next.Query().Get("PageToken") == "" {
		t.Fatalf("no next page: %q", first.Meta.NextPageURL)
	}
	second := b.must(http.StatusOK, http.MethodGet, next.RequestURI(), "")
	if !strings.Contains(second, `"page":1`) || !strings.Contains(second, "support-ticket-2") {
		t.Errorf("A's next page through B: %s", second)
	}

	// A replica given a key of its own signs tokens no other accepts.
	c := newReplica(t, filepath.Join(t.TempDir(), "other.db"), func(cfg *server.Config) { cfg.PageTokenKey = []byte("another key") })
	if status, body := c.do(http.MethodGet, next.RequestURI(), ""); status != http.StatusBadRequest {
		t.Errorf("A's token on a stub with another key: %d %s", status, body)
	}
}

func TestReplicasShareTheJournal(t *testing.T) {
	a, b := replicaPair(t, func(cfg *server.Config) { cfg.JournalSize = 5 })
	a.must(http.StatusNoContent, http.MethodDelete, "/_stub/requests", "")
	for i := range 3 {
		a.must(http.StatusOK, http.MethodGet, fmt.Sprintf("%s?mark=%d", generalPath, i), "")
	}
	// A's own read waits for A's writes: no polling.
	if got := a.must(http.StatusOK, http.MethodGet, "/_stub/requests?method=GET", ""); strings.Count(got, `"mark"`) != 3 {
		t.Fatalf("A's journal right after its requests: %s", got)
	}
	b.must(http.StatusOK, http.MethodGet, generalPath+"?mark=b", "")
	waited := eventually(t, 10*admin.JournalDelay+time.Second, "B's journal showing A's requests", func() bool {
		return strings.Count(b.must(http.StatusOK, http.MethodGet, "/_stub/requests", ""), `"mark"`) == 4
	})
	t.Logf("A's requests showed in B's journal after %v (JournalDelay %v)", waited, admin.JournalDelay)

	// The journal keeps the latest 5, numbered across both replicas.
	for i := range 6 {
		[]*replica{a, b}[i%2].must(http.StatusOK, http.MethodGet, fmt.Sprintf("%s?late=%d", generalPath, i), "")
	}
	var journal struct {
		Requests []struct {
			Seq   int64
			Query map[string][]string
		}
	}
	eventually(t, 10*admin.JournalDelay+time.Second, "the last request in A's journal", func() bool {
		if err := json.Unmarshal([]byte(a.must(http.StatusOK, http.MethodGet, "/_stub/requests", "")), &journal); err != nil {
			t.Fatal(err)
		}
		n := len(journal.Requests)
		return n > 0 && fmt.Sprint(journal.Requests[n-1].Query["late"]) == "[5]"
	})
	if len(journal.Requests) > 5 {
		t.Errorf("the journal holds %d entries, bound 5", len(journal.Requests))
	}
	for i := 1; i < len(journal.Requests); i++ {
		if journal.Requests[i].Seq <= journal.Requests[i-1].Seq {
			t.Errorf("seq %d after %d", journal.Requests[i].Seq, journal.Requests[i-1].Seq)
		}
	}
	lastSeq := journal.Requests[len(journal.Requests)-1].Seq

	b.must(http.StatusNoContent, http.MethodDelete, "/_stub/requests", "")
	if got := a.must(http.StatusOK, http.MethodGet, "/_stub/requests", ""); strings.Contains(got, "late") {
		t.Errorf("A's journal after a clear through B: %s", got)
	}
	a.must(http.StatusOK, http.MethodGet, generalPath, "")
	if err := json.Unmarshal([]byte(a.must(http.StatusOK, http.MethodGet, "/_stub/requests", "")), &journal); err != nil {
		t.Fatal(err)
	}
	if len(journal.Requests) != 1 || journal.Requests[0].Seq <= lastSeq {
		t.Errorf("after a clear: %+v; numbering goes on from %d", journal.Requests, lastSeq)
	}
}

// Journal writes are batched: far fewer transactions than requests.
func TestSharedJournalBatches(t *testing.T) {
	a, _ := replicaPair(t, nil)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 25 {
				if _, ok := a.check(http.StatusOK, http.MethodGet, generalPath, ""); !ok {
					return
				}
			}
		})
	}
	wg.Wait()
	a.must(http.StatusOK, http.MethodGet, "/_stub/requests?limit=1", "")
	if n := a.store.appends.Load(); n >= 50 {
		t.Errorf("100 requests took %d journal writes; want them batched", n)
	}
}

func TestReplicasShareFaults(t *testing.T) {
	a, b := replicaPair(t, nil)
	a.must(http.StatusCreated, http.MethodPut, "/_stub/faults", `{"id": "busy", "operation": "FetchUserConversation", "error": {"status": 503}, "times": 1}`)
	waited := eventually(t, 10*admin.FaultPropagation+time.Second, "A's fault firing on B", func() bool {
		status, _ := b.do(http.MethodGet, generalPath, "")
		return status == http.StatusServiceUnavailable
	})
	t.Logf("A's fault fired on B after %v (FaultPropagation %v)", waited, admin.FaultPropagation)
	if status, _ := a.do(http.MethodGet, generalPath, ""); status != http.StatusOK {
		t.Errorf("A after B took the one application: %d", status)
	}
	if got := a.must(http.StatusOK, http.MethodGet, "/_stub/faults", ""); !strings.Contains(got, `"applied":1`) {
		t.Errorf("A's list: %s", got)
	}

	// A user and a conversation named when the fault was put match
	// requests that give their other names, on every replica.
	b.must(http.StatusCreated, http.MethodPut, "/_stub/faults", `{"user": "alice", "conversation": "general", "error": {"status": 404, "code": 20404}}`)
	bySID := "/v1/Users/USaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Conversations/CHaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	eventually(t, 10*admin.FaultPropagation+time.Second, "B's fault on A, by SIDs", func() bool {
		status, _ := a.do(http.MethodGet, bySID, "")
		return status == http.StatusNotFound
	})
	b.must(http.StatusNoContent, http.MethodDelete, "/_stub/faults", "")
	eventually(t, 10*admin.FaultPropagation+time.Second, "A after B cleared the faults", func() bool {
		status, _ := a.do(http.MethodGet, bySID, "")
		return status == http.StatusOK
	})
	if got := a.must(http.StatusOK, http.MethodGet, "/_stub/faults", ""); got != `{"faults":[]}`+"\n" {
		t.Errorf("A's list after B's clear: %q", got)
	}
}

// times n applies exactly n times across replicas, requests racing.
func TestSharedFaultTimesAreExact(t *testing.T) {
	a, b := replicaPair(t, nil)
	a.must(http.StatusCreated, http.MethodPut, "/_stub/faults", `{"id": "seven", "error": {"status": 503}, "times": 7}`)
	// B learns of the rule: its first 503 is one of the seven.
	var faulted atomic.Int64
	eventually(t, 10*admin.FaultPropagation+time.Second, "B seeing the fault", func() bool {
		status, _ := b.do(http.MethodGet, generalPath, "")
		if status == http.StatusServiceUnavailable {
			faulted.Add(1)
		}
		return status == http.StatusServiceUnavailable
	})
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			r := []*replica{a, b}[g%2]
			for range 5 {
				status, _, err := r.request(http.MethodGet, generalPath, "")
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
	if n := faulted.Load(); n != 7 {
		t.Errorf("%d requests got the fault of times 7", n)
	}
	if got := b.must(http.StatusOK, http.MethodGet, "/_stub/faults", ""); !strings.Contains(got, `"applied":7`) {
		t.Errorf("B's list: %s", got)
	}
}

// With no fault, a request costs no fault query: the rules are read from
// memory, and only the poll asks the database, every FaultPropagation.
func TestNoFaultCostsNoQuery(t *testing.T) {
	a, _ := replicaPair(t, nil)
	start := time.Now()
	before := a.store.versions.Load()
	for range 200 {
		a.must(http.StatusOK, http.MethodGet, generalPath, "")
	}
	polls := a.store.versions.Load() - before
	if n := a.store.applied.Load(); n != 0 {
		t.Errorf("200 requests without a fault made %d fault applications", n)
	}
	if most := int64(time.Since(start)/admin.FaultPropagation) + 2; polls > most {
		t.Errorf("200 requests in %v read the rules' version %d times; the poll alone would be %d", time.Since(start), polls, most)
	}
}

// Closing a Server writes the journal entries it still holds.
func TestCloseWritesTheJournal(t *testing.T) {
	path := filepath.Join(t.TempDir(), "stub.db")
	ctx := context.Background()
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Seed(ctx, func() (store.World, error) { return fixtures.Demo(), nil }); err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(server.Config{Store: st, AdminToken: replicaToken})
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodGet, generalPath, nil)
	req.SetBasicAuth(fixtures.DemoAccountSID, fixtures.DemoAuthToken)
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("fetch: %d", rec.Code)
	}
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	n := 0
	if err := st.Requests(ctx, func(store.JournalEntry) bool { n++; return true }); err != nil || n != 1 {
		t.Errorf("after Close the journal holds %d entries (%v), want the fetch", n, err)
	}
}
