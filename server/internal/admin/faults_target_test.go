package admin_test

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"

	admingen "github.com/twilio-stubs/userconversations/gen/admin"
	"github.com/twilio-stubs/userconversations/server/internal/testkit"
)

// Names of the demo world's default service, its alice and its general,
// and of its second service (which has an alice of its own).
const (
	defaultService = "ISaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	aliceSID       = "USaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	generalSID     = "CHaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	otherService   = "IScccccccccccccccccccccccccccccccc"
)

// A fault acts on the requests its operation, scope, service, user and
// conversation select, whichever name the request gives them by.
func TestFaultTargets(t *testing.T) {
	requests := []struct{ name, method, path string }{
		{"fetch by names", http.MethodGet, "/v1/Users/alice/Conversations/general"},
		{"fetch by SIDs", http.MethodGet, "/v1/Users/" + aliceSID + "/Conversations/" + generalSID},
		{"fetch bob's general", http.MethodGet, "/v1/Users/bob/Conversations/general"},
		{"fetch alice's random", http.MethodGet, "/v1/Users/alice/Conversations/random"},
		{"fetch in the default service", http.MethodGet, "/v1/Services/" + defaultService + "/Users/alice/Conversations/general"},
		{"fetch in the other service", http.MethodGet, "/v1/Services/" + otherService + "/Users/alice/Conversations/team-internal"},
		{"list", http.MethodGet, "/v1/Users/alice/Conversations"},
		{"list in the other service", http.MethodGet, "/v1/Services/" + otherService + "/Users/alice/Conversations"},
	}
	tests := []struct {
		name    string
		rule    admingen.FaultRule
		faulted []string // the requests answered 503
	}{
		{"an operation stands for its twin", admingen.FaultRule{Operation: new("FetchUserConversation")},
			[]string{"fetch by names", "fetch by SIDs", "fetch bob's general", "fetch alice's random", "fetch in the default service", "fetch in the other service"}},
		{"default scope", admingen.FaultRule{Operation: new("FetchUserConversation"), Scope: new(admingen.FaultScopeDefault)},
			[]string{"fetch by names", "fetch by SIDs", "fetch bob's general", "fetch alice's random"}},
		{"service scope", admingen.FaultRule{Scope: new(admingen.FaultScopeService)},
			[]string{"fetch in the default service", "fetch in the other service", "list in the other service"}},
		{"a service-scoped operation stands for itself", admingen.FaultRule{Operation: new("ListServiceUserConversation")},
			[]string{"list in the other service"}},
		{"one service", admingen.FaultRule{Service: new(otherService)},
			[]string{"fetch in the other service", "list in the other service"}},
		{"a user by identity, in the default scope", admingen.FaultRule{User: new("alice"), Scope: new(admingen.FaultScopeDefault)},
			[]string{"fetch by names", "fetch by SIDs", "fetch alice's random", "list"}},
		{"a user by identity, in one service", admingen.FaultRule{User: new("alice"), Service: new(defaultService)},
			[]string{"fetch in the default service"}},
		{"a user by SID", admingen.FaultRule{User: new(aliceSID)},
			[]string{"fetch by names", "fetch by SIDs", "fetch alice's random", "fetch in the default service", "list"}},
		{"every alice", admingen.FaultRule{User: new("alice")},
			[]string{"fetch by names", "fetch by SIDs", "fetch alice's random", "fetch in the default service", "fetch in the other service", "list", "list in the other service"}},
		{"a conversation by unique name", admingen.FaultRule{Conversation: new("general")},
			[]string{"fetch by names", "fetch by SIDs", "fetch bob's general", "fetch in the default service"}},
		{"a user's conversation by SID", admingen.FaultRule{User: new("alice"), Conversation: new(generalSID), Operation: new("FetchUserConversation")},
			[]string{"fetch by names", "fetch by SIDs", "fetch in the default service"}},
		{"another account", admingen.FaultRule{Account: new(accountB)}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stub := newStub(t)
			tt.rule.Error = &admingen.FaultError{Status: http.StatusServiceUnavailable}
			putFault(t, stub, tt.rule)
			var faulted []string
			for _, r := range requests {
				switch a := twilio(t, stub, r.method, r.path, nil); a.status {
				case http.StatusServiceUnavailable:
					faulted = append(faulted, r.name)
				case http.StatusOK:
				default:
					t.Fatalf("%s: %d %s", r.name, a.status, a.body)
				}
			}
			if !slices.Equal(faulted, tt.faulted) {
				t.Fatalf("faulted %q\n          want %q", faulted, tt.faulted)
			}
		})
	}
}

// The journal names each request's path parameters, decoded.
func TestJournalKeepsPathParams(t *testing.T) {
	stub := newStub(t)
	twilio(t, stub, http.MethodGet, "/v1/Services/"+defaultService+"/Users/dan%20the%20man/Conversations/general", nil)
	twilio(t, stub, http.MethodGet, "/v1/Users/alice/Conversations", nil)
	twilio(t, stub, http.MethodGet, "/v1/Nowhere", nil)
	entries := journal(t, stub, nil)
	want := []map[string]string{
		{"ChatServiceSid": defaultService, "UserSid": "dan the man", "ConversationSid": "general"},
		{"UserSid": "alice"},
		{},
	}
	if len(entries) != len(want) {
		t.Fatalf("%d entries", len(entries))
	}
	for i, e := range entries {
		if !jsonEqual(e.PathParams, want[i]) {
			t.Errorf("%s: path params %v, want %v", e.Path, e.PathParams, want[i])
		}
	}
}

// An error fault may answer any 4xx or 5xx, with a code of its choosing.
func TestFaultErrorOfAnyStatusAndCode(t *testing.T) {
	stub := newStub(t)
	putFault(t, stub, admingen.FaultRule{Times: new(1), Error: &admingen.FaultError{Status: 404, Code: new(20404), Message: new("The requested resource was not found")}})
	putFault(t, stub, admingen.FaultRule{Times: new(1), Error: &admingen.FaultError{Status: 400, Code: new(50431)}})
	putFault(t, stub, admingen.FaultRule{Times: new(1), Error: &admingen.FaultError{Status: 418}})
	twilio(t, stub, http.MethodGet, fetchGeneral, nil).TwilioError(t, 404, 20404)
	twilio(t, stub, http.MethodGet, fetchGeneral, nil).TwilioError(t, 400, 50431)
	a := twilio(t, stub, http.MethodGet, fetchGeneral, nil)
	a.TwilioError(t, 418, 20418)
	if !strings.Contains(string(a.body), "I'm a teapot") || a.header.Get("Retry-After") != "" {
		t.Fatalf("418: %s %v", a.body, a.header)
	}
	codes := []int{}
	for _, e := range journal(t, stub, nil) {
		codes = append(codes, testkit.Deref(e.Code))
	}
	if want := []int{20404, 50431, 20418}; !slices.Equal(codes, want) {
		t.Fatalf("journal codes %v, want %v", codes, want)
	}
}

func TestFaultMalformedBody(t *testing.T) {
	stub := newStub(t)
	putFault(t, stub, admingen.FaultRule{Body: new(admingen.FaultBodyMalformed), Times: new(1)})
	a := twilio(t, stub, http.MethodGet, fetchGeneral, nil)
	if a.status != http.StatusOK || !strings.HasPrefix(a.header.Get("Content-Type"), "application/json") || a.header.Get("Twilio-Request-Id") == "" {
		t.Fatalf("%d %v", a.status, a.header)
	}
	if json := string(a.body); json == "" || strings.HasSuffix(json, "}") {
		t.Fatalf("body %q is not broken", json)
	}
	if e := journal(t, stub, nil)[0]; e.Status != http.StatusOK || e.Fault == nil {
		t.Fatalf("journal: %+v", e)
	}
}

// A truncated answer has the real status and headers, and half the body
// its Content-Length announces.
func TestFaultTruncatedBody(t *testing.T) {
	stub := newStub(t)
	whole := twilio(t, stub, http.MethodGet, fetchGeneral, nil)
	putFault(t, stub, admingen.FaultRule{Body: new(admingen.FaultBodyTruncated), Times: new(1)})

	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, stub.URL+fetchGeneral, nil)
	req.SetBasicAuth(accountA, tokenA)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	got, err := io.ReadAll(resp.Body)
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("reading the body: %v, want an unexpected EOF", err)
	}
	if resp.StatusCode != http.StatusOK || resp.ContentLength != int64(len(whole.body)) || resp.Header.Get("Twilio-Request-Id") == "" {
		t.Fatalf("%d, Content-Length %d (the whole is %d), %v", resp.StatusCode, resp.ContentLength, len(whole.body), resp.Header)
	}
	if len(got) != len(whole.body)/2 || !strings.HasPrefix(string(whole.body), string(got)) {
		t.Fatalf("got %d bytes of %d: %q", len(got), len(whole.body), got)
	}
	// Its duration is measured as it goes out, past a delay.
	putFault(t, stub, admingen.FaultRule{Body: new(admingen.FaultBodyTruncated), Delay: &admingen.FaultDelay{MinMs: 50}, Times: new(1)})
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if d, err := strconv.ParseFloat(resp.Header.Get("Twilio-Request-Duration"), 64); err != nil || d < 0.05 {
		t.Fatalf("Twilio-Request-Duration %q after a 50 ms delay", resp.Header.Get("Twilio-Request-Duration"))
	}
	// An error answer is cut the same way.
	putFault(t, stub, admingen.FaultRule{Body: new(admingen.FaultBodyTruncated), Times: new(1)})
	conn := rawRequest(t, stub.URL, "GET /v1/Users/alice/Conversations/nope HTTP/1.1\r\nHost: stub\r\nAuthorization: Basic "+basicToken(accountA, tokenA)+"\r\n\r\n")
	resp, err = http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadAll(resp.Body); resp.StatusCode != http.StatusNotFound || !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("%d, %v", resp.StatusCode, err)
	}
}

func TestFaultReset(t *testing.T) {
	stub := newStub(t)
	f := putFault(t, stub, admingen.FaultRule{Reset: new(true), Times: new(1)})
	conn := rawRequest(t, stub.URL, "GET "+fetchGeneral+" HTTP/1.1\r\nHost: stub\r\nAuthorization: Basic "+basicToken(accountA, tokenA)+"\r\n\r\n")
	_, err := conn.Read(make([]byte, 1))
	if !errors.Is(err, syscall.ECONNRESET) {
		t.Fatalf("read: %v, want a connection reset", err)
	}
	// No waiting: a journal read waits for the answers already sent.
	if e := journal(t, stub, nil); len(e) != 1 || e[0].Status != 0 || testkit.Deref(e[0].Fault) != f.Id {
		t.Fatalf("journal: %+v", e)
	}
	// The next request is answered.
	if a := twilio(t, stub, http.MethodGet, fetchGeneral, nil); a.status != http.StatusOK {
		t.Fatalf("after the reset: %d", a.status)
	}
}

// rawRequest writes request on a new connection to the stub at base.
func rawRequest(t *testing.T, base, request string) net.Conn {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	if _, err := io.WriteString(conn, request); err != nil {
		t.Fatal(err)
	}
	return conn
}

func basicToken(user, password string) string {
	req, _ := http.NewRequest(http.MethodGet, "/", nil)
	req.SetBasicAuth(user, password)
	return strings.TrimPrefix(req.Header.Get("Authorization"), "Basic ")
}
