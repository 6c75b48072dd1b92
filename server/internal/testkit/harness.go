package testkit

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/twilio-stubs/userconversations/gen/conversations"
	"github.com/twilio-stubs/userconversations/server"
	"github.com/twilio-stubs/userconversations/server/store"
	"github.com/twilio-stubs/userconversations/server/store/memory"
)

// Stub is the assembled stub served over HTTP for one test, on a memory
// store whose clock the test sets.
type Stub struct {
	T     *testing.T
	URL   string
	Store *memory.Store
	Clock *Clock
}

// NewStubWith serves world for t, with response validation on; configure,
// if not nil, adjusts the server's configuration first.
func NewStubWith(t *testing.T, world store.World, configure func(*server.Config)) *Stub {
	t.Helper()
	clock := &Clock{now: Epoch.Add(365 * 24 * time.Hour)}
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
	return &Stub{T: t, URL: ts.URL, Store: st, Clock: clock}
}

// NewStub serves the test world.
func NewStub(t *testing.T) *Stub { return NewStubWith(t, World(), nil) }

// Response is an answer, read whole.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Request sends method path (already escaped) with account A's credentials
// unless creds says otherwise; form, if not nil, is the urlencoded body.
func (s *Stub) Request(method, path string, form url.Values, creds ...string) Response {
	s.T.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	return s.Raw(method, path, "application/x-www-form-urlencoded", body, creds...)
}

// Raw sends method path with body (of contentType, if any) and account A's
// credentials; creds, as for request, may name others or "-" for none.
func (s *Stub) Raw(method, path, contentType string, body io.Reader, creds ...string) Response {
	s.T.Helper()
	c := Call{Method: method, Path: path, Body: body}
	if body != nil {
		c.ContentType = contentType
	}
	switch len(creds) {
	case 0: // account A, send's default
	case 2:
		c.Header = http.Header{"Authorization": {Basic(creds[0], creds[1])}}
	default:
		c.NoAuth = true
	}
	return s.Send(c)
}

// UserConversation decodes a 200 answer as a user conversation.
func (r Response) UserConversation(t *testing.T) conversations.UserConversation {
	t.Helper()
	if r.Status != http.StatusOK {
		t.Fatalf("status %d, want 200: %s", r.Status, r.Body)
	}
	var uc conversations.UserConversation
	if err := json.Unmarshal(r.Body, &uc); err != nil {
		t.Fatalf("decode: %v: %s", err, r.Body)
	}
	return uc
}

// Page decodes a 200 answer as a list page.
func (r Response) Page(t *testing.T) conversations.UserConversationPage {
	t.Helper()
	if r.Status != http.StatusOK {
		t.Fatalf("status %d, want 200: %s", r.Status, r.Body)
	}
	var p conversations.UserConversationPage
	if err := json.Unmarshal(r.Body, &p); err != nil {
		t.Fatalf("decode: %v: %s", err, r.Body)
	}
	return p
}

// TwilioError checks the response is Twilio's error JSON with status and
// code, and returns its message.
func (r Response) TwilioError(t *testing.T, status, code int) string {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d: %s", r.Status, status, r.Body)
	}
	var e map[string]any
	if err := json.Unmarshal(r.Body, &e); err != nil {
		t.Fatalf("error body is not JSON: %v: %q", err, r.Body)
	}
	if e["code"] != float64(code) || e["status"] != float64(status) {
		t.Fatalf("error body %s, want code %d status %d", r.Body, code, status)
	}
	if e["more_info"] != fmt.Sprintf("https://www.twilio.com/docs/errors/%d", code) {
		t.Fatalf("more_info = %v", e["more_info"])
	}
	msg, _ := e["message"].(string)
	if msg == "" {
		t.Fatalf("error without message: %s", r.Body)
	}
	return msg
}

// UserPath is the list path of user, escaped.
func UserPath(user string) string { return "/v1/Users/" + url.PathEscape(user) + "/Conversations" }

// inService turns a /v1/Users/... path into the named service's.
func InService(service, path string) string {
	return "/v1/Services/" + service + strings.TrimPrefix(path, "/v1")
}

// UCPath is the path of user's conversation, escaped.
func UCPath(user, conversation string) string {
	return UserPath(user) + "/" + url.PathEscape(conversation)
}

// Call is one request for Stub.Send.
type Call struct {
	Method, Path string
	ContentType  string    // sent when not empty
	Body         io.Reader // nil: no body
	// header is sent as is; an Authorization in it replaces account A's
	// credentials.
	Header http.Header
	Host   string // the Host header, when not empty
	NoAuth bool   // send no credentials at all
}

// Send is Raw with full control over the headers.
func (s *Stub) Send(c Call) Response {
	s.T.Helper()
	req, err := http.NewRequest(c.Method, s.URL+c.Path, c.Body)
	if err != nil {
		s.T.Fatal(err)
	}
	if c.ContentType != "" {
		req.Header.Set("Content-Type", c.ContentType)
	}
	if !c.NoAuth {
		req.SetBasicAuth(AccountA, TokenA)
	}
	for name, values := range c.Header {
		req.Header[http.CanonicalHeaderKey(name)] = values
	}
	if c.Host != "" {
		req.Host = c.Host
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.T.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		s.T.Fatal(err)
	}
	return Response{Status: resp.StatusCode, Header: resp.Header, Body: data}
}

// Basic is the Authorization header value of HTTP Basic credentials.
func Basic(user, password string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+password))
}

// AuthHeader is a header with only Authorization: value.
func AuthHeader(value string) http.Header { return http.Header{"Authorization": {value}} }

// leakMarkers are what a stack trace or a source path looks like; no
// response body may contain one.
var leakMarkers = []string{"goroutine", ".go:", "/root/", "/home/", "runtime/debug", "panic("}

// Leaks returns the first marker in body; markers in echoed (the request
// target, which a 404 message repeats) do not count.
func Leaks(body []byte, echoed string) string {
	for _, marker := range leakMarkers {
		if bytes.Contains(body, []byte(marker)) && !strings.Contains(echoed, marker) {
			return marker
		}
	}
	return ""
}

// ErrorShape checks body is exactly Twilio's error JSON for status: the four
// required members with the right types and values, optionally detail, and
// nothing else. echoed is the request target. It returns what is wrong, or
// "".
func ErrorShape(status int, contentType string, body []byte, echoed string) string {
	if !strings.HasPrefix(contentType, "application/json") {
		return fmt.Sprintf("error with Content-Type %q", contentType)
	}
	var e map[string]any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&e); err != nil {
		return fmt.Sprintf("error body is not a JSON object: %v", err)
	}
	if dec.More() {
		return "error body has data after the JSON object"
	}
	for name := range e {
		switch name {
		case "code", "message", "more_info", "status", "detail":
		default:
			return fmt.Sprintf("error body has an unexpected member %q", name)
		}
	}
	code, err := numberOf(e["code"])
	if err != nil {
		return "code: " + err.Error()
	}
	gotStatus, err := numberOf(e["status"])
	if err != nil {
		return "status: " + err.Error()
	}
	if gotStatus != int64(status) {
		return fmt.Sprintf("status member %d, HTTP status %d", gotStatus, status)
	}
	if code < 20000 || code > 99999 {
		return fmt.Sprintf("code %d is not a Twilio error code", code)
	}
	if e["more_info"] != fmt.Sprintf("https://www.twilio.com/docs/errors/%d", code) {
		return fmt.Sprintf("more_info %v does not match code %d", e["more_info"], code)
	}
	if msg, ok := e["message"].(string); !ok || msg == "" {
		return "message missing or not a string"
	}
	if detail, ok := e["detail"]; ok {
		if _, ok := detail.(string); !ok {
			return "detail is not a string"
		}
	}
	if marker := Leaks(body, echoed); marker != "" {
		return fmt.Sprintf("error body leaks internals (%q)", marker)
	}
	return ""
}

func numberOf(v any) (int64, error) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, fmt.Errorf("%v is not a number", v)
	}
	return n.Int64()
}

// StrictError is TwilioError plus ErrorShape.
func (r Response) StrictError(t *testing.T, status, code int) string {
	t.Helper()
	msg := r.TwilioError(t, status, code)
	if problem := ErrorShape(r.Status, r.Header.Get("Content-Type"), r.Body, ""); problem != "" {
		t.Fatalf("%s: %s", problem, r.Body)
	}
	return msg
}

// Snapshot returns the store's world.
func (s *Stub) Snapshot(t *testing.T) store.World {
	t.Helper()
	w, err := s.Store.Snapshot(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// nextToken is the PageToken of the next_page_url of path's first page.
func (s *Stub) NextToken(t *testing.T, path string, creds ...string) string {
	t.Helper()
	page := s.Request(http.MethodGet, path, nil, creds...).Page(t)
	if page.Meta.NextPageUrl == nil {
		t.Fatalf("%s has no next page", path)
	}
	u, err := url.Parse(*page.Meta.NextPageUrl)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query().Get("PageToken")
}

// pathOf strips the stub's scheme and host from an absolute URL.
func (s *Stub) PathOf(t *testing.T, absolute string) string {
	t.Helper()
	rest, ok := strings.CutPrefix(absolute, s.URL)
	if !ok {
		t.Fatalf("%s is not an absolute URL of the stub %s", absolute, s.URL)
	}
	return rest
}
