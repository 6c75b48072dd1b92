package server_test

// Benchmarks of the whole middleware chain, in process: recover, request
// log, CORS, body limit, Basic auth, request validation, (optionally)
// testkit.Response validation, handler, store. Each request is built and recorded
// with net/http/httptest, so the figures include echo's routing and the
// JSON encoding but not the network.
//
//	go test ./server -run '^$' -bench . -benchmem
//
// Besides ns/op (wall time), each reports cpu-ns/op: the process's CPU time
// per request, background GC included, which a busy machine disturbs less.
//
// The world holds one user, benchUser, in benchConversations
// conversations; the list is measured on its first page and on its last
// page, reached with a real next-page token (PageSize benchPageSize).

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/twilio-stubs/userconversations/gen/conversations"
	"github.com/twilio-stubs/userconversations/server"
	"github.com/twilio-stubs/userconversations/server/internal/bench/ceiling"
	"github.com/twilio-stubs/userconversations/server/store"
	"github.com/twilio-stubs/userconversations/server/store/memory"
)

const (
	benchConversations = 10_000
	benchPageSize      = 50
	benchUser          = "alice"
	benchToken         = "benchtoken0123456789"
)

var (
	benchAccount = benchSID("AC", 0xbe)
	benchService = benchSID("IS", 0xbe)
	benchEpoch   = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
)

func benchSID(prefix string, n int) string { return fmt.Sprintf("%s%032x", prefix, n) }

// benchWorld: benchUser in n conversations, created a minute apart, each
// with a read horizon, some with a unique_name, some muted.
func benchWorld(n int) store.World {
	userSID := benchSID("US", 1)
	convs := make([]store.Conversation, n)
	for i := range convs {
		created := benchEpoch.Add(time.Duration(i) * time.Minute)
		friendly := fmt.Sprintf("Conversation %d", i)
		index := i % 100
		level := store.NotificationLevelDefault
		if i%7 == 0 {
			level = store.NotificationLevelMuted
		}
		convs[i] = store.Conversation{
			SID:          benchSID("CH", i+1),
			FriendlyName: &friendly,
			State:        store.StateActive,
			Attributes:   `{"topic":"bench"}`,
			DateCreated:  created,
			DateUpdated:  created,
			MessageCount: 200,
			Participants: []store.Participant{{
				SID:                  benchSID("MB", i+1),
				UserSID:              userSID,
				LastReadMessageIndex: &index,
				NotificationLevel:    level,
				DateUpdated:          created,
			}},
		}
		if i%3 == 0 {
			name := fmt.Sprintf("room-%d", i)
			convs[i].UniqueName = &name
		}
	}
	return store.World{Accounts: []store.Account{{
		SID:       benchAccount,
		AuthToken: benchToken,
		Services: []store.Service{{
			SID:           benchService,
			Users:         []store.User{{SID: userSID, Identity: benchUser}},
			Conversations: convs,
		}},
	}}}
}

// benchServer is a stub over benchWorld, as the binary builds it.
func benchServer(b *testing.B, validateResponses bool) *server.Server {
	b.Helper()
	st := memory.New()
	if err := st.Load(context.Background(), benchWorld(benchConversations)); err != nil {
		b.Fatal(err)
	}
	// Logging as make bench runs the binary (--log-level warn): the request
	// log's level check is part of every request's cost.
	logger := slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelWarn}))
	srv, err := server.New(server.Config{Store: st, ValidateResponses: validateResponses, Logger: logger})
	if err != nil {
		b.Fatal(err)
	}
	return srv
}

// benchDo serves one request, as a client would send it, and returns the
// recorded response.
func benchDo(h http.Handler, method, target, form string) *httptest.ResponseRecorder {
	var req *http.Request
	if form == "" {
		req = httptest.NewRequest(method, target, nil)
	} else {
		req = httptest.NewRequest(method, target, strings.NewReader(form))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.SetBasicAuth(benchAccount, benchToken)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// benchModes runs fn with testkit.Response validation off (the binary's default)
// and on (stubtest's default).
func benchModes(b *testing.B, fn func(b *testing.B, srv *server.Server)) {
	for _, validate := range []bool{false, true} {
		name := "respvalidation=off"
		if validate {
			name = "respvalidation=on"
		}
		b.Run(name, func(b *testing.B) { fn(b, benchServer(b, validate)) })
	}
}

func benchLoop(b *testing.B, srv http.Handler, method, target, form string) {
	b.Helper()
	if rec := benchDo(srv, method, target, form); rec.Code != http.StatusOK {
		b.Fatalf("%s %s: %d %s", method, target, rec.Code, rec.Body)
	}
	b.ReportAllocs()
	var bytes, n int
	cpu0 := processCPU()
	for b.Loop() {
		rec := benchDo(srv, method, target, form)
		if rec.Code != http.StatusOK {
			b.Fatalf("%s %s: %d %s", method, target, rec.Code, rec.Body)
		}
		bytes = rec.Body.Len()
		n++
	}
	// CPU time per operation, all threads (GC included): steadier than
	// ns/op when other processes share the machine.
	b.ReportMetric(float64(processCPU()-cpu0)/float64(n), "cpu-ns/op")
	b.SetBytes(int64(bytes)) // testkit.Response body size, so MB/s is the output rate
}

func benchFetchTarget() string {
	return "http://127.0.0.1/v1/Users/" + benchUser + "/Conversations/" + benchSID("CH", benchConversations/2)
}

func BenchmarkHTTPFetch(b *testing.B) {
	benchModes(b, func(b *testing.B, srv *server.Server) {
		benchLoop(b, srv, http.MethodGet, benchFetchTarget(), "")
	})
}

// BenchmarkHTTPCeiling serves the fetch's own answer from the ceiling
// (package ceiling: echo, no middleware but the headers, a fixed body) in
// the same harness: what the stub adds to a fetch is BenchmarkHTTPFetch's
// figures less these.
func BenchmarkHTTPCeiling(b *testing.B) {
	rec := benchDo(benchServer(b, false), http.MethodGet, benchFetchTarget(), "")
	benchLoop(b, ceiling.New(rec.Body.Bytes()), http.MethodGet, benchFetchTarget(), "")
}

func BenchmarkHTTPUpdate(b *testing.B) {
	benchModes(b, func(b *testing.B, srv *server.Server) {
		benchLoop(b, srv, http.MethodPost, benchFetchTarget(), "NotificationLevel=muted&LastReadMessageIndex=42")
	})
}

func benchListTarget() string {
	return fmt.Sprintf("http://127.0.0.1/v1/Users/%s/Conversations?PageSize=%d", benchUser, benchPageSize)
}

func BenchmarkHTTPListFirstPage(b *testing.B) {
	benchModes(b, func(b *testing.B, srv *server.Server) {
		benchLoop(b, srv, http.MethodGet, benchListTarget(), "")
	})
}

// BenchmarkHTTPListLastPage walks every page once, following next_page_url,
// and measures the last one: its URL carries the page token a client
// would send.
func BenchmarkHTTPListLastPage(b *testing.B) {
	benchModes(b, func(b *testing.B, srv *server.Server) {
		last := benchLastPageURL(b, srv)
		benchLoop(b, srv, http.MethodGet, last, "")
	})
}

func benchLastPageURL(b *testing.B, srv *server.Server) string {
	b.Helper()
	target, pages, seen := benchListTarget(), 0, 0
	for {
		rec := benchDo(srv, http.MethodGet, target, "")
		if rec.Code != http.StatusOK {
			b.Fatalf("GET %s: %d %s", target, rec.Code, rec.Body)
		}
		var page conversations.UserConversationPage
		if err := json.Unmarshal(rec.Body.Bytes(), &page); err != nil {
			b.Fatal(err)
		}
		pages++
		seen += len(page.Conversations)
		if page.Meta.NextPageUrl == nil {
			break
		}
		target = *page.Meta.NextPageUrl
	}
	if want := benchConversations / benchPageSize; pages != want || seen != benchConversations {
		b.Fatalf("walked %d pages, %d items; want %d pages, %d items", pages, seen, want, benchConversations)
	}
	u, err := url.Parse(target)
	if err != nil || u.Query().Get("PageToken") == "" {
		b.Fatalf("last page URL %q has no page token", target)
	}
	return target
}
