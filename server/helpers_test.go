package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twilio-stubs/userconversations/gen/conversations"
	"github.com/twilio-stubs/userconversations/server"
	"github.com/twilio-stubs/userconversations/server/store"
	"github.com/twilio-stubs/userconversations/server/store/memory"
)

// sid builds a valid 34-character SID: prefix, then n in hex.
func sid(prefix string, n int) string { return fmt.Sprintf("%s%032x", prefix, n) }

var (
	accountA = sid("AC", 0xa)
	tokenA   = "tokenA0123456789"
	keyA     = sid("SK", 0xa)
	secretA  = "secretA0123456789"
	serviceA = sid("IS", 0xa)
	namedA   = sid("IS", 0xa2)

	accountB = sid("AC", 0xb)
	tokenB   = "tokenB0123456789"
	keyB     = sid("SK", 0xb)
	secretB  = "secretB0123456789"
	serviceB = sid("IS", 0xb)
)

var epoch = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

func ptr[T any](v T) *T { return &v }

// testClock is a settable clock for the store.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *testClock) Set(t time.Time) { c.mu.Lock(); c.now = t; c.mu.Unlock() }

// The users of account A's default service, by identity.
var odd = []string{"ana maria", "eve/ops", "x+y@example.com", "Zoë"}

// testWorld: account A with a default service (alice, bob, the odd
// identities; conversations CH1..CH5) and a named service, and account B.
func testWorld() store.World {
	alice, bob := sid("US", 1), sid("US", 2)
	users := []store.User{{SID: alice, Identity: "alice"}, {SID: bob, Identity: "bob"}}
	for i, identity := range odd {
		users = append(users, store.User{SID: sid("US", 10+i), Identity: identity})
	}
	conv := func(n int, uniqueName string, messages int, participants ...store.Participant) store.Conversation {
		c := store.Conversation{
			SID: sid("CH", n), FriendlyName: ptr(fmt.Sprintf("Conversation %d", n)),
			State: store.StateActive, Attributes: "{}",
			DateCreated: epoch.Add(time.Duration(n) * time.Minute), DateUpdated: epoch.Add(time.Duration(n) * time.Minute),
			MessageCount: messages, Participants: participants,
		}
		if uniqueName != "" {
			c.UniqueName = &uniqueName
		}
		for i := range c.Participants {
			c.Participants[i].DateUpdated = c.DateUpdated
			if c.Participants[i].NotificationLevel == "" {
				c.Participants[i].NotificationLevel = store.NotificationLevelDefault
			}
		}
		return c
	}
	part := func(n int, user string, index *int) store.Participant {
		return store.Participant{SID: sid("MB", n), UserSID: user, LastReadMessageIndex: index}
	}
	c1 := conv(1, "general", 10, part(11, alice, nil), part(12, bob, ptr(9)))
	c1.CreatedBy = ptr("alice")
	c1.Timers = store.Timers{DateInactive: ptr(epoch.Add(24 * time.Hour)), DateClosed: ptr(epoch.Add(48 * time.Hour))}
	c1.Attributes = `{"topic":"general"}`
	c2 := conv(2, "", 2000, part(21, alice, ptr(10)))
	c3 := conv(3, "support", 5, part(31, alice, ptr(4)))
	c3.State = store.StateClosed
	c4 := conv(4, "", 0, part(41, bob, nil))
	var oddParts []store.Participant
	for i := range odd {
		oddParts = append(oddParts, part(50+i, sid("US", 10+i), nil))
	}
	c5 := conv(5, "odd", 1, oddParts...)
	return store.World{Accounts: []store.Account{
		{
			SID: accountA, AuthToken: tokenA, APIKeys: []store.APIKey{{SID: keyA, Secret: secretA}},
			Services: []store.Service{
				{SID: serviceA, Users: users, Conversations: []store.Conversation{c1, c2, c3, c4, c5}},
				{SID: namedA, Users: []store.User{{SID: sid("US", 0xa2), Identity: "alice"}},
					Conversations: []store.Conversation{conv(0xa2, "named-room", 3, part(0xa2, sid("US", 0xa2), ptr(0)))}},
			},
		},
		{
			SID: accountB, AuthToken: tokenB, APIKeys: []store.APIKey{{SID: keyB, Secret: secretB}},
			Services: []store.Service{{SID: serviceB, Users: []store.User{{SID: sid("US", 0xb0b), Identity: "alice"}},
				Conversations: []store.Conversation{conv(0xb0b, "general", 1, part(0xb0b, sid("US", 0xb0b), nil))}}},
		},
	}}
}

type stub struct {
	t     *testing.T
	url   string
	store *memory.Store
	clock *testClock
}

func newStubWith(t *testing.T, world store.World, configure func(*server.Config)) *stub {
	t.Helper()
	clock := &testClock{now: epoch.Add(365 * 24 * time.Hour)}
	st := memory.New(memory.WithClock(clock.Now))
	if err := st.Load(context.Background(), world); err != nil {
		t.Fatalf("load world: %v", err)
	}
	cfg := server.Config{Store: st, ValidateResponses: true}
	if configure != nil {
		configure(&cfg)
	}
	srv, err := server.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return &stub{t: t, url: ts.URL, store: st, clock: clock}
}

func newStub(t *testing.T) *stub { return newStubWith(t, testWorld(), nil) }

type response struct {
	status int
	header http.Header
	body   []byte
}

// request sends method path (already escaped) with account A's credentials
// unless creds says otherwise; form, if not nil, is the urlencoded body.
func (s *stub) request(method, path string, form url.Values, creds ...string) response {
	s.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	return s.raw(method, path, "application/x-www-form-urlencoded", body, creds...)
}

// raw sends method path with body (of contentType, if any) and account A's
// credentials; creds, as for request, may name others or "-" for none.
func (s *stub) raw(method, path, contentType string, body io.Reader, creds ...string) response {
	s.t.Helper()
	c := call{method: method, path: path, body: body}
	if body != nil {
		c.contentType = contentType
	}
	switch len(creds) {
	case 0: // account A, send's default
	case 2:
		c.header = http.Header{"Authorization": {basic(creds[0], creds[1])}}
	default:
		c.noAuth = true
	}
	return s.send(c)
}

func (r response) userConversation(t *testing.T) conversations.UserConversation {
	t.Helper()
	if r.status != http.StatusOK {
		t.Fatalf("status %d, want 200: %s", r.status, r.body)
	}
	var uc conversations.UserConversation
	if err := json.Unmarshal(r.body, &uc); err != nil {
		t.Fatalf("decode: %v: %s", err, r.body)
	}
	return uc
}

func (r response) page(t *testing.T) conversations.UserConversationPage {
	t.Helper()
	if r.status != http.StatusOK {
		t.Fatalf("status %d, want 200: %s", r.status, r.body)
	}
	var p conversations.UserConversationPage
	if err := json.Unmarshal(r.body, &p); err != nil {
		t.Fatalf("decode: %v: %s", err, r.body)
	}
	return p
}

// twilioError checks the response is Twilio's error JSON with status and
// code, and returns its message.
func (r response) twilioError(t *testing.T, status, code int) string {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
	}
	var e map[string]any
	if err := json.Unmarshal(r.body, &e); err != nil {
		t.Fatalf("error body is not JSON: %v: %q", err, r.body)
	}
	if e["code"] != float64(code) || e["status"] != float64(status) {
		t.Fatalf("error body %s, want code %d status %d", r.body, code, status)
	}
	if e["more_info"] != fmt.Sprintf("https://www.twilio.com/docs/errors/%d", code) {
		t.Fatalf("more_info = %v", e["more_info"])
	}
	msg, _ := e["message"].(string)
	if msg == "" {
		t.Fatalf("error without message: %s", r.body)
	}
	return msg
}

func userPath(user string) string { return "/v1/Users/" + url.PathEscape(user) + "/Conversations" }

// inService turns a /v1/Users/... path into the named service's.
func inService(service, path string) string {
	return "/v1/Services/" + service + strings.TrimPrefix(path, "/v1")
}

func ucPath(user, conversation string) string {
	return userPath(user) + "/" + url.PathEscape(conversation)
}
