package proxy_test

import (
	"encoding/json"
	"maps"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	admingen "github.com/twilio-stubs/userconversations/gen/admin"
	"github.com/twilio-stubs/userconversations/server"
	"github.com/twilio-stubs/userconversations/server/internal/testkit"
)

// adminToken opens the admin API of every stub these tests start.
const adminToken = "proxy-test-admin-token"

// proxyTo serves the stub in proxy mode in front of upstream, with the
// admin API on and its log kept; configure, if not nil, adjusts the rest.
func proxyTo(t *testing.T, upstream string, configure func(*server.Config)) (*testkit.Stub, *testkit.LogBuffer) {
	t.Helper()
	logs := &testkit.LogBuffer{}
	s := testkit.NewStubWith(t, testkit.World(), func(c *server.Config) {
		c.Upstream = upstream
		c.AdminToken = adminToken
		c.Logger = logs.Logger()
		if configure != nil {
			configure(c)
		}
	})
	return s, logs
}

// adminCall sends an admin request with the admin token.
func adminCall(s *testkit.Stub, method, path string) testkit.Response {
	return s.Send(testkit.Call{Method: method, Path: path, NoAuth: true,
		Header: http.Header{"Authorization": {"Bearer " + adminToken}}})
}

// violationsOf lists the stub's contract violations; query, if not empty,
// filters them ("?operation=...").
func violationsOf(t *testing.T, s *testkit.Stub, query string) []admingen.Violation {
	t.Helper()
	r := adminCall(s, http.MethodGet, "/_stub/violations"+query)
	if r.Status != http.StatusOK {
		t.Fatalf("GET /_stub/violations: %d %s", r.Status, r.Body)
	}
	var list admingen.ViolationList
	if err := json.Unmarshal(r.Body, &list); err != nil {
		t.Fatal(err)
	}
	return list.Violations
}

// journalOf reads the stub's request journal.
func journalOf(t *testing.T, s *testkit.Stub) []admingen.RecordedRequest {
	t.Helper()
	r := adminCall(s, http.MethodGet, "/_stub/requests")
	if r.Status != http.StatusOK {
		t.Fatalf("GET /_stub/requests: %d %s", r.Status, r.Body)
	}
	var j admingen.RequestJournal
	if err := json.Unmarshal(r.Body, &j); err != nil {
		t.Fatal(err)
	}
	return j.Requests
}

// canned is an answer a fake upstream gives.
type canned struct {
	status int
	header http.Header
	body   []byte
}

// fakeUpstream is an upstream that answers every request with answer's
// result, and keeps the requests it received.
type fakeUpstream struct {
	*httptest.Server
	mu       sync.Mutex
	received []*http.Request
}

func newFakeUpstream(t *testing.T, answer func(*http.Request) canned) *fakeUpstream {
	t.Helper()
	f := &fakeUpstream{}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.received = append(f.received, r.Clone(r.Context()))
		f.mu.Unlock()
		a := answer(r)
		maps.Copy(w.Header(), a.header)
		w.WriteHeader(a.status)
		_, _ = w.Write(a.body)
	}))
	t.Cleanup(f.Close)
	return f
}

// requests returns the requests the fake received.
func (f *fakeUpstream) requests() []*http.Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]*http.Request(nil), f.received...)
}

// twilioHeaders are the headers a conforming answer carries.
func twilioHeaders() http.Header {
	return http.Header{
		"Content-Type":            {"application/json"},
		"Twilio-Request-Id":       {"RQ0123456789abcdef0123456789abcdef"},
		"Twilio-Request-Duration": {"0.042"},
	}
}

// userConversation is a conforming user conversation whose URLs start with
// base, as a map for the tests to break.
func userConversation(base string) map[string]any {
	ch, us, mb := testkit.SID("CH", 1), testkit.SID("US", 1), testkit.SID("MB", 11)
	return map[string]any{
		"account_sid":             testkit.AccountA,
		"chat_service_sid":        testkit.ServiceA,
		"conversation_sid":        ch,
		"unread_messages_count":   3,
		"last_read_message_index": 6,
		"participant_sid":         mb,
		"user_sid":                us,
		"friendly_name":           "Conversation 1",
		"conversation_state":      "active",
		"timers":                  map[string]any{},
		"attributes":              "{}",
		"date_created":            "2024-01-01T00:01:00Z",
		"date_updated":            "2024-01-01T00:01:00Z",
		"created_by":              nil,
		"notification_level":      "default",
		"unique_name":             "general",
		"url":                     base + "/v1/Users/" + us + "/Conversations/" + ch,
		"links": map[string]any{
			"participant":  base + "/v1/Conversations/" + ch + "/Participants/" + mb,
			"conversation": base + "/v1/Conversations/" + ch,
		},
	}
}
