package server_test

// Fuzz targets for the update body, the list query and the path parameters.
// Plain `go test` runs their seeds (the f.Add calls and the files under
// testdata/fuzz/<FuzzName>/); `go test -fuzz=^FuzzX$ -fuzztime=30s ./server/`
// explores further. The invariant everywhere: the status is one the spec
// declares for the operation and never a 5xx (the server validates its own
// responses, so a testkit.Response off the contract would be a 500), an error is
// Twilio's error JSON with nothing internal in it, a success decodes into the
// resource, and nothing panics.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/twilio-stubs/userconversations/gen/conversations"
	"github.com/twilio-stubs/userconversations/server"
	"github.com/twilio-stubs/userconversations/server/internal/testkit"
	"github.com/twilio-stubs/userconversations/server/store"
	"github.com/twilio-stubs/userconversations/server/store/memory"
)

// fuzzPageTokenKey is fixed so that page tokens in the seed corpus stay
// valid from one run to the next.
var fuzzPageTokenKey = []byte("fuzz-page-token-key-0123456789ab")

// fuzzStub is one server for a whole fuzz target, served in process: built
// once, its state reloaded only when a request changed it.
type fuzzStub struct {
	handler http.Handler
	store   *memory.Store
	world   store.World
}

func newFuzzStub(f *testing.F, world store.World) *fuzzStub {
	f.Helper()
	st := memory.New(memory.WithClock(func() time.Time { return testkit.Epoch.Add(365 * 24 * time.Hour) }))
	if err := st.Load(context.Background(), world); err != nil {
		f.Fatal(err)
	}
	srv, err := server.New(server.Config{Store: st, ValidateResponses: true, PageTokenKey: fuzzPageTokenKey})
	if err != nil {
		f.Fatal(err)
	}
	return &fuzzStub{handler: srv, store: st, world: world}
}

func (fs *fuzzStub) reset(t *testing.T) {
	if err := fs.store.Load(context.Background(), fs.world); err != nil {
		t.Fatal(err)
	}
}

// serve reads the request from its wire form, as net/http's server does, and
// serves it. It reports false for requests net/http would have refused
// before any handler ran (a bad request line, a header with a line break).
func (fs *fuzzStub) serve(method, target, contentType string, body []byte) (*http.Request, *httptest.ResponseRecorder, bool) {
	if strings.ContainsAny(contentType, "\r\n") {
		return nil, nil, false
	}
	var wire bytes.Buffer
	fmt.Fprintf(&wire, "%s %s HTTP/1.1\r\nHost: stub.test\r\nAuthorization: %s\r\n", method, target, testkit.Basic(testkit.KeyA, testkit.SecretA))
	if contentType != "" {
		fmt.Fprintf(&wire, "Content-Type: %s\r\n", contentType)
	}
	fmt.Fprintf(&wire, "Content-Length: %d\r\n\r\n", len(body))
	wire.Write(body)
	req, err := http.ReadRequest(bufio.NewReader(&wire))
	if err != nil {
		return nil, nil, false
	}
	req.RemoteAddr = "192.0.2.1:1234"
	rec := httptest.NewRecorder()
	fs.handler.ServeHTTP(rec, req)
	return req, rec, true
}

// declaredStatus are the error statuses the spec declares for every
// operation, less the 500, plus the body limit's 413 (which the spec does not
// declare yet); 200 and 204 depend on the method.
var declaredStatus = map[int]bool{400: true, 401: true, 404: true, 405: true, 413: true, 429: true}

// checkResponse holds the invariant for any response; it returns the decoded
// resource or page of a 200 (one of them non-nil).
func checkResponse(t *testing.T, req *http.Request, rec *httptest.ResponseRecorder) (*conversations.UserConversation, *conversations.UserConversationPage) {
	t.Helper()
	status, body := rec.Code, rec.Body.Bytes()
	ok := declaredStatus[status] ||
		status == http.StatusOK && (req.Method == http.MethodGet || req.Method == http.MethodPost) ||
		status == http.StatusNoContent && req.Method == http.MethodDelete
	if !ok {
		t.Fatalf("%s %q: status %d is not one the spec declares: %s", req.Method, req.RequestURI, status, body)
	}
	if status == http.StatusMethodNotAllowed && rec.Header().Get("Allow") == "" {
		t.Fatalf("%s %q: 405 without Allow", req.Method, req.RequestURI)
	}
	switch {
	case req.Method == http.MethodHead || status == http.StatusNoContent:
		if len(body) != 0 {
			t.Fatalf("%s %q: %d with a body: %q", req.Method, req.RequestURI, status, body)
		}
	case status >= 400:
		if problem := testkit.ErrorShape(status, rec.Header().Get("Content-Type"), body, req.RequestURI); problem != "" {
			t.Fatalf("%s %q: %d: %s: %s", req.Method, req.RequestURI, status, problem, body)
		}
	case status == http.StatusOK:
		var probe map[string]json.RawMessage
		if err := json.Unmarshal(body, &probe); err != nil {
			t.Fatalf("%s %q: 200 body is not a JSON object: %v", req.Method, req.RequestURI, err)
		}
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.DisallowUnknownFields()
		if _, isPage := probe["meta"]; isPage {
			var page conversations.UserConversationPage
			if err := dec.Decode(&page); err != nil {
				t.Fatalf("%s %q: page: %v: %s", req.Method, req.RequestURI, err, body)
			}
			return nil, &page
		}
		var uc conversations.UserConversation
		if err := dec.Decode(&uc); err != nil {
			t.Fatalf("%s %q: user conversation: %v: %s", req.Method, req.RequestURI, err, body)
		}
		return &uc, nil
	}
	return nil, nil
}

// FuzzUpdateBody fuzzes the Content-Type and the body of an update.
func FuzzUpdateBody(f *testing.F) {
	const form = "application/x-www-form-urlencoded"
	for _, seed := range []struct{ contentType, body string }{
		{form, ""},
		{form, "NotificationLevel=muted"},
		{form, "LastReadMessageIndex=3&NotificationLevel=default&LastReadTimestamp=2024-05-06T07:08:09Z"},
		{form, "LastReadMessageIndex="},
		{form, "LastReadMessageIndex=2147483647"},
		{form, "LastReadMessageIndex=2147483648"},
		{form, "LastReadMessageIndex=-1"},
		{form, "LastReadMessageIndex=1e3"},
		{form, "LastReadMessageIndex=%FF"},
		{form, "NotificationLevel=Muted"},
		{form, "NotificationLevel=muted%00"},
		{form, "NotificationLevel=muted&NotificationLevel=default"},
		{form, "LastReadTimestamp=2024-13-01T00:00:00Z"},
		{form, "LastReadTimestamp=2024-02-30T00:00:00Z"},
		{form, "LastReadTimestamp=2024-05-06T07:08:09.999999999-23:59"},
		{form, "LastReadTimestamp=0000-01-01T00:00:00Z"},
		{form, "LastReadTimestamp=9999-12-31T23:59:60Z"},
		{form, "NotificationLevel=%ZZ"},
		{form, "a=1;b=2"},
		{form, "%FF=%FF&=&&="},
		{form + "; charset=utf-8", "NotificationLevel=muted"},
		{form + "; charset", "NotificationLevel=muted"},
		{"application/json", `{"NotificationLevel":"muted"}`},
		{"multipart/form-data; boundary=b", "--b\r\nContent-Disposition: form-data; name=\"NotificationLevel\"\r\n\r\nmuted\r\n--b--\r\n"},
		{"text/plain", "NotificationLevel=muted"},
		{"", "NotificationLevel=muted"},
		{"", ""},
		{";;;", "x"},
	} {
		f.Add(seed.contentType, []byte(seed.body))
	}
	fs := newFuzzStub(f, testkit.World())
	f.Fuzz(func(t *testing.T, contentType string, body []byte) {
		req, rec, ok := fs.serve(http.MethodPost, testkit.UCPath("bob", "general"), contentType, body)
		if !ok {
			return
		}
		uc, _ := checkResponse(t, req, rec)
		if rec.Code == http.StatusNoContent || (rec.Code == http.StatusOK && uc == nil) {
			t.Fatalf("update answered %d without a user conversation", rec.Code)
		}
		if uc == nil {
			return
		}
		// What was accepted is what the resource now shows.
		sent, err := url.ParseQuery(string(body))
		if err != nil {
			t.Fatalf("a body that is not a form was accepted: %q", body)
		}
		if level := sent.Get("NotificationLevel"); sent.Has("NotificationLevel") && string(uc.NotificationLevel) != level {
			t.Fatalf("sent NotificationLevel %q, got %q", level, uc.NotificationLevel)
		}
		if index := sent.Get("LastReadMessageIndex"); index != "" {
			want, err := strconv.Atoi(index)
			if err != nil || uc.LastReadMessageIndex == nil || *uc.LastReadMessageIndex != want {
				t.Fatalf("sent LastReadMessageIndex %q, got %v", index, testkit.Deref(uc.LastReadMessageIndex))
			}
		}
	})
}

// FuzzListQuery fuzzes the query string of a list.
func FuzzListQuery(f *testing.F) {
	fs := newFuzzStub(f, testkit.ManyWorld(12))
	// Tokens this server really issues: the key is fixed, so they are stable.
	var tokens []string
	for _, query := range []string{"PageSize=5", "PageSize=5&Page=1"} {
		_, rec, _ := fs.serve(http.MethodGet, testkit.UserPath("many")+"?"+query, "", nil)
		var page conversations.UserConversationPage
		if err := json.Unmarshal(rec.Body.Bytes(), &page); err != nil || page.Meta.NextPageUrl == nil {
			f.Fatalf("%s: %d %s", query, rec.Code, rec.Body)
		}
		for _, link := range []*string{page.Meta.NextPageUrl, page.Meta.PreviousPageUrl} {
			if link != nil {
				u, _ := url.Parse(*link)
				tokens = append(tokens, u.Query().Get("PageToken"))
			}
		}
	}
	seeds := []string{
		"", "PageSize=1", "PageSize=1000", "PageSize=0", "PageSize=1001", "PageSize=-1", "PageSize=abc",
		"PageSize=", "PageSize=1&PageSize=1", "PageSize=%FF", "PageSize=%ZZ", "PageSize=1;Page=2",
		"Page=3&PageSize=3", "Page=", "Page=9223372036854775807", "Page=99999999999999999999",
		"PageToken=", "PageToken=PT", "PageToken=%00", "Foo=bar&foo=%FF", "&&&==", "PageSize=+1",
	}
	for _, token := range tokens {
		seeds = append(seeds, "PageSize=5&PageToken="+token, "PageToken="+token, "PageSize=1000&Page=7&PageToken="+token,
			"PageToken="+token[:len(token)-1], "PageToken="+token+"A")
	}
	for _, seed := range seeds {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, rawQuery string) {
		req, rec, ok := fs.serve(http.MethodGet, testkit.UserPath("many")+"?"+rawQuery, "", nil)
		if !ok {
			return
		}
		uc, page := checkResponse(t, req, rec)
		if uc != nil {
			t.Fatal("a list answered with a single user conversation")
		}
		if page == nil {
			return
		}
		query, err := url.ParseQuery(rawQuery)
		if err != nil {
			t.Fatalf("a malformed query was accepted: %q", rawQuery)
		}
		checkPage(t, *page, testkit.SID("US", 0x4d))
		if size := query.Get("PageSize"); size != "" {
			if n, err := strconv.ParseInt(size, 10, 64); err != nil || n != int64(page.Meta.PageSize) {
				t.Fatalf("PageSize=%s answered page_size %d", size, page.Meta.PageSize)
			}
		}
	})
}

// checkPage holds what every page must: at most page_size items, all of
// the user, strictly in list order.
func checkPage(t *testing.T, page conversations.UserConversationPage, userSID string) {
	t.Helper()
	if len(page.Conversations) > page.Meta.PageSize {
		t.Fatalf("%d items on a page of %d", len(page.Conversations), page.Meta.PageSize)
	}
	for i, item := range page.Conversations {
		if *item.UserSid != userSID {
			t.Fatalf("item %d belongs to %s", i, *item.UserSid)
		}
		if i > 0 && !positionOf(page.Conversations[i-1]).Before(positionOf(item)) {
			t.Fatalf("items %d and %d out of order or repeated: %s, %s", i-1, i, *page.Conversations[i-1].ConversationSid, *item.ConversationSid)
		}
	}
}

func positionOf(uc conversations.UserConversation) store.Position {
	return store.Position{DateCreated: *uc.DateCreated, ConversationSID: *uc.ConversationSid}
}

// FuzzPathParams fuzzes the user and conversation path segments, sent
// escaped or as they are, under every operation and service prefix.
func FuzzPathParams(f *testing.F) {
	for _, seed := range []struct {
		method, service uint8
		user, convers   string
		escape          bool
	}{
		{0, 0, "alice", "general", true},
		{0, 0, "alice", "", true},
		{1, 0, "bob", "general", true},
		{2, 0, "alice", testkit.SID("CH", 3), true},
		{0, 1, "alice", "named-room", true},
		{0, 2, "alice", "general", true},
		{0, 3, testkit.SID("US", 1), testkit.SID("CH", 1), true},
		{0, 0, "eve/ops", "odd", true},
		{0, 0, "eve/ops", "odd", false},
		{0, 0, "Zoë", "odd", true},
		{0, 0, "x+y@example.com", "odd", false},
		{0, 0, "%FF", "general", false},
		{0, 0, "%00", "", false},
		{0, 0, "a%0Ab", "general", false},
		{0, 0, "\xff\xfe", "\x00", true},
		{0, 0, "..", "..", false},
		{0, 0, "%2e%2e", "%2F", false},
		{0, 0, "alice", "general/", false},
		{0, 0, "alice?x=1", "general", false},
		{0, 0, "alice#frag", "general", false},
		{0, 0, strings.Repeat("a", 10_000), "general", true},
		{0, 0, "alice", strings.Repeat("%", 300), false},
		{3, 0, "alice", "general", true},
		{4, 0, "alice", "", true},
		{5, 0, "alice", "general", true},
		{1, 0, "alice", "", true},
		{2, 0, "alice", "", true},
	} {
		f.Add(seed.method, seed.service, seed.user, seed.convers, seed.escape)
	}
	fs := newFuzzStub(f, testkit.World())
	methods := []string{http.MethodGet, http.MethodPost, http.MethodDelete, http.MethodPut, http.MethodHead, http.MethodPatch}
	prefixes := []string{"/v1", "/v1/Services/" + testkit.NamedA, "/v1/Services/" + testkit.ServiceB, "/v1/Services/" + testkit.ServiceA}
	f.Fuzz(func(t *testing.T, method, service uint8, user, conversation string, escape bool) {
		segment := func(s string) string {
			if escape {
				return url.PathEscape(s)
			}
			return s
		}
		target := prefixes[int(service)%len(prefixes)] + "/Users/" + segment(user) + "/Conversations"
		if conversation != "" {
			target += "/" + segment(conversation)
		}
		m := methods[int(method)%len(methods)]
		var contentType string
		var body []byte
		if m == http.MethodPost {
			contentType, body = "application/x-www-form-urlencoded", []byte("NotificationLevel=muted&LastReadMessageIndex=0")
		}
		req, rec, ok := fs.serve(m, target, contentType, body)
		if !ok {
			return
		}
		uc, page := checkResponse(t, req, rec)
		switch {
		case page != nil:
			checkPage(t, *page, *pageUser(t, page))
		case uc != nil:
			if *uc.AccountSid != testkit.AccountA {
				t.Fatalf("account A read a user conversation of %s", *uc.AccountSid)
			}
		}
		if rec.Code < 300 && (m == http.MethodPost || m == http.MethodDelete) {
			fs.reset(t)
		}
	})
}

// pageUser is the user of a page's items, or of its url when it has none.
func pageUser(t *testing.T, page *conversations.UserConversationPage) *string {
	t.Helper()
	if len(page.Conversations) > 0 {
		return page.Conversations[0].UserSid
	}
	u, err := url.Parse(page.Meta.Url)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(u.Path, "/")
	return &parts[len(parts)-2]
}
