package server_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/twilio-stubs/userconversations/server"
	"github.com/twilio-stubs/userconversations/server/internal/testkit"
	"github.com/twilio-stubs/userconversations/server/internal/twilioerr"
	"github.com/twilio-stubs/userconversations/server/store"
	"github.com/twilio-stubs/userconversations/server/store/memory"
)

func TestAuthentication(t *testing.T) {
	s := testkit.NewStub(t)
	path := testkit.UCPath("alice", "general")
	tests := []struct {
		name   string
		creds  []string
		status int
	}{
		{"account SID and auth token", []string{testkit.AccountA, testkit.TokenA}, http.StatusOK},
		{"API key and secret", []string{testkit.KeyA, testkit.SecretA}, http.StatusOK},
		{"no credentials", []string{"-"}, http.StatusUnauthorized},
		{"wrong token", []string{testkit.AccountA, "wrong0123456789"}, http.StatusUnauthorized},
		{"another account's token", []string{testkit.AccountA, testkit.TokenB}, http.StatusUnauthorized},
		{"another account's API key secret", []string{testkit.KeyA, testkit.SecretB}, http.StatusUnauthorized},
		{"unknown account", []string{testkit.SID("AC", 0xdead), testkit.TokenA}, http.StatusUnauthorized},
		{"empty password", []string{testkit.AccountA, ""}, http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := s.Request(http.MethodGet, path, nil, tt.creds...)
			if tt.status == http.StatusOK {
				r.UserConversation(t)
				return
			}
			r.TwilioError(t, http.StatusUnauthorized, twilioerr.CodeAuthenticate)
			if r.Header.Get("Www-Authenticate") == "" {
				t.Error("401 without WWW-Authenticate")
			}
		})
	}
}

// Account B sees only its own world, even for an identity account A also has.
func TestAccountsAreIsolated(t *testing.T) {
	s := testkit.NewStub(t)
	page := s.Request(http.MethodGet, testkit.UserPath("alice"), nil, testkit.KeyB, testkit.SecretB).Page(t)
	if len(page.Conversations) != 1 || *page.Conversations[0].AccountSid != testkit.AccountB {
		t.Fatalf("account B lists %d conversations", len(page.Conversations))
	}
	s.Request(http.MethodGet, testkit.UCPath(testkit.SID("US", 1), testkit.SID("CH", 1)), nil, testkit.AccountB, testkit.TokenB).
		TwilioError(t, http.StatusNotFound, twilioerr.CodeNotFound)
	s.Request(http.MethodDelete, testkit.UCPath(testkit.SID("US", 1), testkit.SID("CH", 1)), nil, testkit.AccountB, testkit.TokenB).
		TwilioError(t, http.StatusNotFound, twilioerr.CodeNotFound)
	s.Request(http.MethodGet, testkit.UCPath(testkit.SID("US", 1), testkit.SID("CH", 1)), nil).UserConversation(t)
}

func TestRequestValidation(t *testing.T) {
	s := testkit.NewStub(t)
	one := testkit.UCPath("bob", "general")
	tests := []struct {
		name, method, path, contentType, body string
		status, code                          int
		mentions                              string
	}{
		{"PageSize zero", "GET", testkit.UserPath("alice") + "?PageSize=0", "", "", 400, 20001, "PageSize"},
		{"PageSize over 1000", "GET", testkit.UserPath("alice") + "?PageSize=1001", "", "", 400, 20001, "PageSize"},
		{"PageSize not a number", "GET", testkit.UserPath("alice") + "?PageSize=abc", "", "", 400, 20001, "PageSize"},
		{"PageSize twice", "GET", testkit.UserPath("alice") + "?PageSize=2&PageSize=3", "", "", 400, 20001, "PageSize"},
		{"Page negative", "GET", testkit.UserPath("alice") + "?Page=-1", "", "", 400, 20001, "Page"},
		{"level in wrong case", "POST", one, "application/x-www-form-urlencoded", "NotificationLevel=Muted", 400, 20001, "NotificationLevel"},
		{"index not a number", "POST", one, "application/x-www-form-urlencoded", "LastReadMessageIndex=abc", 400, 20001, "LastReadMessageIndex"},
		{"index negative", "POST", one, "application/x-www-form-urlencoded", "LastReadMessageIndex=-1", 400, 20001, "LastReadMessageIndex"},
		{"index huge", "POST", one, "application/x-www-form-urlencoded", "LastReadMessageIndex=99999999999999", 400, 20001, "LastReadMessageIndex"},
		{"timestamp not RFC 3339", "POST", one, "application/x-www-form-urlencoded", "LastReadTimestamp=2024-05-06", 400, 20001, "LastReadTimestamp"},
		// Valid RFC 3339, but outside the years 0000..9999 once in UTC: kept,
		// it could never be written back (an export would fail for good).
		{"timestamp before the year 0 in UTC", "POST", one, "application/x-www-form-urlencoded", "LastReadTimestamp=0000-01-01T00:00:00%2B01:00", 400, 20001, "LastReadTimestamp"},
		{"timestamp past the year 9999 in UTC", "POST", one, "application/x-www-form-urlencoded", "LastReadTimestamp=9999-12-31T23:59:59-23:59", 400, 20001, "LastReadTimestamp"},
		{"index twice", "POST", one, "application/x-www-form-urlencoded", "LastReadMessageIndex=1&LastReadMessageIndex=2", 400, 20001, "LastReadMessageIndex"},
		{"JSON body", "POST", one, "application/json", `{"NotificationLevel":"muted"}`, 400, 20001, "Content-Type"},
		{"unknown path", "GET", "/v1/Users/alice/Conversation", "", "", 404, 20404, "resource /Users/alice/Conversation was"},
		{"unknown version", "GET", "/v2/Users/alice/Conversations", "", "", 404, 20404, "was not found"},
		{"wrong method", "PUT", one, "", "", 405, 20004, "Method not allowed"},
		{"delete on list", "DELETE", testkit.UserPath("alice"), "", "", 405, 20004, "Method not allowed"},
		{"bad service SID", "GET", testkit.InService("ISnope", testkit.UserPath("alice")), "", "", 400, 20001, "ChatServiceSid"},
		{"body over the limit", "POST", one, "application/x-www-form-urlencoded", "NotificationLevel=" + strings.Repeat("m", 70<<10), 413, 20413, "too large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before, _ := s.Store.Snapshot(context.Background())
			var body *strings.Reader
			if tt.body != "" {
				body = strings.NewReader(tt.body)
			}
			var r testkit.Response
			if body != nil {
				r = s.Raw(tt.method, tt.path, tt.contentType, body)
			} else {
				r = s.Raw(tt.method, tt.path, "", nil)
			}
			msg := r.TwilioError(t, tt.status, tt.code)
			if !strings.Contains(msg, tt.mentions) {
				t.Fatalf("message %q does not mention %q", msg, tt.mentions)
			}
			after, _ := s.Store.Snapshot(context.Background())
			if !worldsEqual(before, after) {
				t.Fatal("a refused request changed the state")
			}
		})
	}
}

func TestCORS(t *testing.T) {
	s := testkit.NewStub(t)
	r := s.Request(http.MethodGet, testkit.UCPath("alice", "general"), nil)
	for _, h := range []string{"Access-Control-Allow-Origin", "Access-Control-Allow-Methods", "Access-Control-Allow-Headers", "Access-Control-Allow-Credentials", "Access-Control-Expose-Headers"} {
		if r.Header.Get(h) == "" {
			t.Errorf("no %s header", h)
		}
	}
	pre := s.Raw(http.MethodOptions, testkit.UCPath("alice", "general"), "", nil, "-")
	if pre.Status != http.StatusNoContent || pre.Header.Get("Access-Control-Allow-Methods") == "" {
		t.Fatalf("preflight: %d %v", pre.Status, pre.Header)
	}
}

// brokenStore answers with data the spec forbids, or panics.
type brokenStore struct {
	*memory.Store
	panics bool
}

func (b brokenStore) FetchUserConversation(ctx context.Context, sc store.Scope, user, conv string) (store.UserConversation, error) {
	if b.panics {
		panic("store exploded at /home/secret/path.go:42")
	}
	uc, err := b.Store.FetchUserConversation(ctx, sc, user, conv)
	uc.State = "open" // not a conversation_state
	return uc, err
}

func TestOffContractResponseIsA500(t *testing.T) {
	for _, panics := range []bool{false, true} {
		st := memory.New()
		if err := st.Load(context.Background(), testkit.World()); err != nil {
			t.Fatal(err)
		}
		srv, err := server.New(server.Config{Store: brokenStore{Store: st, panics: panics}, ValidateResponses: true})
		if err != nil {
			t.Fatal(err)
		}
		ts := httptest.NewServer(srv)
		t.Cleanup(ts.Close)
		s := &testkit.Stub{T: t, URL: ts.URL}
		msg := s.Request(http.MethodGet, testkit.UCPath("alice", "general"), nil).TwilioError(t, http.StatusInternalServerError, twilioerr.CodeInternal)
		if strings.Contains(msg, "/home/secret") || strings.Contains(msg, "goroutine") {
			t.Fatalf("500 leaks internals: %q", msg)
		}
		// The server goes on.
		s.Request(http.MethodGet, testkit.UserPath("alice"), nil).Page(t)
	}
}

func TestNewRequiresStore(t *testing.T) {
	if _, err := server.New(server.Config{}); err == nil {
		t.Fatal("New without a store succeeded")
	}
}

func worldsEqual(a, b store.World) bool { return reflect.DeepEqual(a, b) }

// Every answer of the Twilio API carries Twilio-Request-Id (unique) and
// Twilio-Request-Duration, errors and preflights included.
func TestTwilioRequestHeaders(t *testing.T) {
	s := testkit.NewStub(t)
	idRE := regexp.MustCompile(`^RQ[0-9a-f]{32}$`)
	durationRE := regexp.MustCompile(`^[0-9]+\.[0-9]{3}$`)
	seen := map[string]bool{}
	for _, c := range []testkit.Call{
		{Method: http.MethodGet, Path: testkit.UCPath("alice", "general")},
		{Method: http.MethodGet, Path: testkit.UserPath("alice")},
		{Method: http.MethodPost, Path: testkit.UCPath("alice", "general"), ContentType: "application/x-www-form-urlencoded", Body: strings.NewReader("NotificationLevel=muted")},
		{Method: http.MethodDelete, Path: testkit.UCPath("alice", "support")},
		{Method: http.MethodGet, Path: testkit.UCPath("alice", "nowhere")},
		{Method: http.MethodGet, Path: testkit.UCPath("alice", "general"), NoAuth: true},
		{Method: http.MethodPut, Path: testkit.UCPath("alice", "general")},
		{Method: http.MethodOptions, Path: testkit.UCPath("alice", "general"), NoAuth: true},
		{Method: http.MethodGet, Path: "/v2/elsewhere"},
	} {
		r := s.Send(c)
		id, duration := r.Header.Get("Twilio-Request-Id"), r.Header.Get("Twilio-Request-Duration")
		if !idRE.MatchString(id) || !durationRE.MatchString(duration) {
			t.Errorf("%s %s (%d): Twilio-Request-Id %q, Twilio-Request-Duration %q", c.Method, c.Path, r.Status, id, duration)
		}
		if seen[id] {
			t.Errorf("%s %s: request id %s given twice", c.Method, c.Path, id)
		}
		seen[id] = true
	}
	// The admin API is not Twilio's.
	if r := s.Send(testkit.Call{Method: http.MethodGet, Path: "/_stub/health", NoAuth: true}); r.Header.Get("Twilio-Request-Id") != "" {
		t.Error("the admin API answers with a Twilio request id")
	}
}

// Every value refused for a parameter or form field is worded the one way,
// "Invalid <name>: <reason>", whatever part of the validator caught it.
func TestBadValuesAreWordedAlike(t *testing.T) {
	s := testkit.NewStub(t)
	form := func(name, value string) url.Values { return url.Values{name: {value}} }
	for _, tt := range []struct {
		name, value string
		query       bool
	}{
		{"LastReadMessageIndex", "1e2", false},
		{"LastReadMessageIndex", "1.5", false},
		{"LastReadMessageIndex", "abc", false},
		{"LastReadMessageIndex", "-1", false},
		{"LastReadMessageIndex", "2147483648", false},
		{"LastReadTimestamp", "2024", false},
		{"NotificationLevel", "loud", false},
		{"PageSize", "1e2", true},
		{"PageSize", "0", true},
		{"Page", "-1", true},
	} {
		var r testkit.Response
		if tt.query {
			r = s.Request(http.MethodGet, testkit.UserPath("alice")+"?"+tt.name+"="+url.QueryEscape(tt.value), nil)
		} else {
			r = s.Request(http.MethodPost, testkit.UCPath("alice", "general"), form(tt.name, tt.value))
		}
		msg := r.StrictError(t, http.StatusBadRequest, twilioerr.CodeInvalidParameter)
		if !strings.HasPrefix(msg, "Invalid "+tt.name+": ") || strings.Contains(msg, "path ") || strings.Contains(msg, "^[") {
			t.Errorf("%s=%s: %q", tt.name, tt.value, msg)
		}
	}
}
