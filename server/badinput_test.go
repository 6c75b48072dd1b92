package server_test

import (
	"bufio"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/twilio-stubs/userconversations/server/internal/testkit"
	"github.com/twilio-stubs/userconversations/server/internal/twilioerr"
	"github.com/twilio-stubs/userconversations/server/store"
)

// badInputWorld is testWorld with a second conversation for account B's
// alice, so account B has page tokens to offer too.
func badInputWorld() store.World {
	w := testkit.World()
	svc := &w.Accounts[1].Services[0]
	c := svc.Conversations[0]
	c.SID, c.UniqueName = testkit.SID("CH", 0xb0c), nil
	c.Participants = []store.Participant{{
		SID: testkit.SID("MB", 0xb0c), UserSID: testkit.SID("US", 0xb0b),
		NotificationLevel: store.NotificationLevelDefault, DateUpdated: c.DateUpdated,
	}}
	svc.Conversations = append(svc.Conversations, c)
	return w
}

// forgedToken has the page token layout (pagetoken.go) and names a real
// position of alice's list, but its MAC is made up.
func forgedToken(before bool) string {
	buf := make([]byte, 1+8+34+34+12)
	if before {
		buf[0] = 1
	}
	binary.BigEndian.PutUint64(buf[1:9], uint64(testkit.Epoch.Unix()+60))
	copy(buf[9:], testkit.SID("CH", 1))
	copy(buf[9+34:], testkit.SID("US", 1))
	copy(buf[9+34+34:], "forged-mac!!")
	return "PT" + base64.RawURLEncoding.EncodeToString(buf)
}

// TestBadInput sends malformed requests of every kind. Each must be refused
// with the right 4xx and Twilio's error JSON, never a 5xx, and must leave the
// store exactly as it was.
//
// Overlap with the other tests: TestRequestValidation (server_test.go) has
// PageSize 0 / 1001 / abc / twice, Page -1, NotificationLevel=Muted,
// LastReadMessageIndex abc / -1 / 99999999999999 / twice, LastReadTimestamp
// 2024-05-06, a JSON body, /v1/Users/alice/Conversation, /v2/..., PUT on the
// instance, DELETE on the list, ISnope and a 70K body, all on the default
// service's paths; TestListRefusesBadPageTokens (handler_list_test.go) has
// garbage, truncated, altered, other-user, other-path and "PT" tokens, and
// account B presenting account A's token. They are not repeated here; where
// the issue asks for the same value, it is sent here to another operation
// (the named service's paths) instead.
func TestBadInput(t *testing.T) {
	s := testkit.NewStubWith(t, badInputWorld(), nil)
	other := testkit.NewStubWith(t, badInputWorld(), nil) // signs tokens with another key

	const form = "application/x-www-form-urlencoded"
	one := testkit.UCPath("bob", "general")
	svcOne := testkit.InService(testkit.NamedA, testkit.UCPath("alice", "named-room"))
	list := testkit.UserPath("alice")
	svcList := testkit.InService(testkit.NamedA, testkit.UserPath("alice"))
	long := strings.Repeat("x", 10_000)

	aliceToken := s.NextToken(t, list+"?PageSize=1")
	foreignKeyToken := other.NextToken(t, list+"?PageSize=1")
	accountBToken := s.NextToken(t, testkit.UserPath("alice")+"?PageSize=1", testkit.AccountB, testkit.TokenB)

	post := func(path, contentType, body string) testkit.Call {
		return testkit.Call{Method: http.MethodPost, Path: path, ContentType: contentType, Body: strings.NewReader(body)}
	}
	get := func(path string) testkit.Call { return testkit.Call{Method: http.MethodGet, Path: path} }
	withAuth := func(c testkit.Call, value string) testkit.Call { c.Header = testkit.AuthHeader(value); return c }
	withHost := func(c testkit.Call, host string) testkit.Call { c.Host = host; return c }
	chunked := func(body string) testkit.Call {
		c := post(one, form, body)
		c.Body = struct{ io.Reader }{strings.NewReader(body)} // no length: sent chunked
		return c
	}
	const allowInstance, allowList = "OPTIONS, DELETE, GET, POST", "OPTIONS, GET"

	tests := []struct {
		name         string
		call         testkit.Call
		status, code int
		mentions     string // in the message
		allow        string // the Allow header of a 405
	}{
		// Unknown and oversized paths.
		{"path below the resource", get(one + "/Messages"), 404, 20404, "/Messages was not found", ""},
		{"root", get("/"), 404, 20404, "was not found", ""},
		{"resource the stub lacks", get("/v1/Conversations"), 404, 20404, "The requested resource /Conversations was not found", ""},
		{"trailing slash", get(list + "/"), 404, 20404, "was not found", ""},
		{"empty segment", get("/v1//Users/alice/Conversations"), 404, 20404, "was not found", ""},
		{"dot segments", get("/v1/Users/..%2F..%2Fetc%2Fpasswd/Conversations"), 404, 20404, "was not found", ""},
		{"60,000-character path", get("/v1/Users/" + strings.Repeat("p", 60_000) + "/Conversations/general"), 404, 20404, "The requested resource /Users/ppp", ""},
		{"10,000-character identity, fetch", get(testkit.UCPath(long, "general")), 404, 20404, "The requested resource", ""},
		{"10,000-character identity, list", get(testkit.UserPath(long)), 404, 20404, "The requested resource", ""},
		{"10,000-character identity, update", post(testkit.UCPath(long, "general"), form, "NotificationLevel=muted"), 404, 20404, "The requested resource", ""},
		{"10,000-character identity, delete", testkit.Call{Method: http.MethodDelete, Path: testkit.UCPath(long, "general")}, 404, 20404, "The requested resource", ""},
		{"10,000-character unique_name", get(testkit.UCPath("alice", long)), 404, 20404, "The requested resource", ""},

		// Invalid UTF-8 and control characters in the path: no identity or
		// unique_name can hold them, so the resource is not found.
		{"identity %FF", get("/v1/Users/%FF/Conversations"), 404, 20404, "resource /Users/%FF/Conversations was not found", ""},
		{"identity %00", get("/v1/Users/%00/Conversations"), 404, 20404, "%00", ""},
		{"identity with %0A", get("/v1/Users/ali%0Ace/Conversations/general"), 404, 20404, "%0A", ""},
		{"unique_name %FF%FE", testkit.Call{Method: http.MethodDelete, Path: "/v1/Users/bob/Conversations/%FF%FE"}, 404, 20404, "%FF%FE", ""},
		{"service SID with %00", get("/v1/Services/IS%00" + strings.Repeat("a", 31) + "/Users/alice/Conversations"), 400, 20001, "ChatServiceSid", ""},
		{"service SID in lower case", get("/v1/Services/is" + strings.Repeat("a", 32) + "/Users/alice/Conversations"), 400, 20001, "ChatServiceSid", ""},

		// PageSize and Page.
		{"PageSize -1", get(list + "?PageSize=-1"), 400, 20001, "PageSize", ""},
		{"PageSize 0, named service", get(svcList + "?PageSize=0"), 400, 20001, "PageSize", ""},
		{"PageSize 1001, named service", get(svcList + "?PageSize=1001"), 400, 20001, "PageSize", ""},
		{"PageSize abc, named service", get(svcList + "?PageSize=abc"), 400, 20001, "PageSize", ""},
		{"PageSize empty", get(list + "?PageSize="), 400, 20001, "PageSize", ""},
		{"PageSize empty twice", get(list + "?PageSize=&PageSize="), 400, 20001, "PageSize", ""},
		{"PageSize repeated, named service", get(svcList + "?PageSize=5&PageSize=5"), 400, 20001, "PageSize", ""},
		{"PageSize 1e2", get(list + "?PageSize=1e2"), 400, 20001, "PageSize", ""},
		{"PageSize %FF", get(list + "?PageSize=%FF"), 400, 20001, "PageSize", ""},
		{"PageSize %00", get(list + "?PageSize=%00"), 400, 20001, "PageSize", ""},
		{"PageSize 5%0A", get(list + "?PageSize=5%0A"), 400, 20001, "PageSize", ""},
		{"malformed escape in the query", get(list + "?PageSize=%ZZ"), 400, 20001, "query", ""},
		{"semicolon in the query", get(list + "?PageSize=1;Page=2"), 400, 20001, "query", ""},
		{"Page empty", get(list + "?Page="), 400, 20001, "Page", ""},
		{"Page abc", get(list + "?Page=abc"), 400, 20001, "Page", ""},
		{"Page past int64", get(list + "?Page=99999999999999999999"), 400, 20001, "Page", ""},
		{"Page -1, named service", get(svcList + "?Page=-1"), 400, 20001, "Page", ""},
		{"Page repeated", get(list + "?Page=1&Page=1"), 400, 20001, "Page", ""},

		// PageToken.
		{"PageToken empty", get(list + "?PageToken="), 400, 20001, "PageToken", ""},
		{"PageToken %FF", get(list + "?PageToken=%FF"), 400, 20001, "PageToken", ""},
		{"PageToken %00", get(list + "?PageToken=%00"), 400, 20001, "PageToken", ""},
		{"PageToken forged", get(list + "?PageToken=" + forgedToken(false)), 400, 20001, "PageToken", ""},
		{"PageToken forged, backwards", get(list + "?PageToken=" + forgedToken(true)), 400, 20001, "PageToken", ""},
		{"PageToken signed by another server", get(list + "?PageToken=" + foreignKeyToken), 400, 20001, "PageToken", ""},
		{"PageToken truncated, named service", get(svcList + "?PageToken=" + aliceToken[:20]), 400, 20001, "PageToken", ""},
		{"PageToken of another account", get(list + "?PageToken=" + accountBToken), 400, 20001, "PageToken", ""},
		{"PageToken repeated", get(list + "?PageToken=" + aliceToken + "&PageToken=" + aliceToken), 400, 20001, "PageToken", ""},

		// LastReadMessageIndex.
		{"index 1e3", post(one, form, "LastReadMessageIndex=1e3"), 400, 20001, "LastReadMessageIndex", ""},
		{"index 1.5", post(one, form, "LastReadMessageIndex=1.5"), 400, 20001, "LastReadMessageIndex", ""},
		{"index past int32", post(one, form, "LastReadMessageIndex=2147483648"), 400, 20001, "LastReadMessageIndex", ""},
		{"index -1, named service", post(svcOne, form, "LastReadMessageIndex=-1"), 400, 20001, "LastReadMessageIndex", ""},
		{"index huge, named service", post(svcOne, form, "LastReadMessageIndex=99999999999999"), 400, 20001, "LastReadMessageIndex", ""},
		{"index abc, named service", post(svcOne, form, "LastReadMessageIndex=abc"), 400, 20001, "LastReadMessageIndex", ""},
		{"index %FF", post(one, form, "LastReadMessageIndex=%FF"), 400, 20001, "LastReadMessageIndex", ""},
		{"index 1%0A", post(one, form, "LastReadMessageIndex=1%0A"), 400, 20001, "LastReadMessageIndex", ""},

		// NotificationLevel.
		{"level DEFAULT", post(one, form, "NotificationLevel=DEFAULT"), 400, 20001, "NotificationLevel", ""},
		{"level Muted, named service", post(svcOne, form, "NotificationLevel=Muted"), 400, 20001, "NotificationLevel", ""},
		{"level empty", post(one, form, "NotificationLevel="), 400, 20001, "NotificationLevel", ""},
		{"level muted%00", post(one, form, "NotificationLevel=muted%00"), 400, 20001, "NotificationLevel", ""},
		{"level %FF", post(one, form, "NotificationLevel=%FF"), 400, 20001, "NotificationLevel", ""},

		// LastReadTimestamp: RFC 3339 only.
		{"timestamp date only, named service", post(svcOne, form, "LastReadTimestamp=2024-05-06"), 400, 20001, "LastReadTimestamp", ""},
		{"timestamp without zone", post(one, form, "LastReadTimestamp=2024-05-06T07:08:09"), 400, 20001, "LastReadTimestamp", ""},
		{"timestamp month 13", post(one, form, "LastReadTimestamp=2024-13-01T00:00:00Z"), 400, 20001, "LastReadTimestamp", ""},
		{"timestamp February 30", post(one, form, "LastReadTimestamp=2024-02-30T00:00:00Z"), 400, 20001, "LastReadTimestamp", ""},
		{"timestamp unix seconds", post(one, form, "LastReadTimestamp=1714979289"), 400, 20001, "LastReadTimestamp", ""},
		{"timestamp with a space", post(one, form, "LastReadTimestamp=2024-05-06+07:08:09Z"), 400, 20001, "LastReadTimestamp", ""},
		{"timestamp zone without colon", post(one, form, "LastReadTimestamp=2024-05-06T07:08:09%2B0200"), 400, 20001, "LastReadTimestamp", ""},
		{"timestamp zone +24:00", post(one, form, "LastReadTimestamp=2024-05-06T07:08:09%2B24:00"), 400, 20001, "LastReadTimestamp", ""},
		{"timestamp empty", post(one, form, "LastReadTimestamp="), 400, 20001, "LastReadTimestamp", ""},

		// Bodies: encoding, size, duplicates, one bad field among good ones.
		{"JSON body, named service", post(svcOne, "application/json", `{"NotificationLevel":"muted"}`), 400, 20001, "Content-Type", ""},
		{"multipart body", post(one, "multipart/form-data; boundary=xx", "--xx\r\nContent-Disposition: form-data; name=\"NotificationLevel\"\r\n\r\nmuted\r\n--xx--\r\n"), 400, 20001, "Content-Type", ""},
		{"text/plain body", post(one, "text/plain", "NotificationLevel=muted"), 400, 20001, "Content-Type", ""},
		{"body without Content-Type", post(one, "", "NotificationLevel=muted"), 400, 20001, "Content-Type", ""},
		{"malformed escape in the body", post(one, form, "NotificationLevel=%ZZ"), 400, 20001, "body", ""},
		{"semicolon in the body", post(one, form, "NotificationLevel=muted;LastReadMessageIndex=1"), 400, 20001, "body", ""},
		{"body one byte over 64K", post(one, form, "NotificationLevel=muted&x="+strings.Repeat("a", 64_000-25)), 413, 20413, "too large", ""},
		{"chunked body over 64K", chunked("NotificationLevel=muted&x=" + strings.Repeat("a", 70_000)), 413, 20413, "too large", ""},
		{"level twice, same value", post(one, form, "NotificationLevel=muted&NotificationLevel=muted"), 400, 20001, "NotificationLevel", ""},
		{"timestamp twice", post(one, form, "LastReadTimestamp=2024-05-06T07:08:09Z&LastReadTimestamp=2024-05-06T07:08:10Z"), 400, 20001, "LastReadTimestamp", ""},
		{"good level, bad index", post(one, form, "NotificationLevel=muted&LastReadMessageIndex=abc"), 400, 20001, "LastReadMessageIndex", ""},
		{"good level, index past int32", post(one, form, "NotificationLevel=muted&LastReadMessageIndex=2147483648"), 400, 20001, "LastReadMessageIndex", ""},

		// Methods.
		{"PATCH", testkit.Call{Method: http.MethodPatch, Path: one}, 405, 20004, "Method not allowed", allowInstance},
		{"HEAD on the instance", testkit.Call{Method: http.MethodHead, Path: one}, 405, 0, "", allowInstance},
		{"HEAD on the list", testkit.Call{Method: http.MethodHead, Path: list}, 405, 0, "", allowList},
		{"POST on the list", post(list, form, "NotificationLevel=muted"), 405, 20004, "Method not allowed", allowList},
		{"PUT on the list", testkit.Call{Method: http.MethodPut, Path: list}, 405, 20004, "Method not allowed", allowList},
		{"DELETE on the named service's list", testkit.Call{Method: http.MethodDelete, Path: svcList}, 405, 20004, "Method not allowed", allowList},
		{"PUT on the named service's instance", testkit.Call{Method: http.MethodPut, Path: svcOne}, 405, 20004, "Method not allowed", allowInstance},
		{"unknown method", testkit.Call{Method: "FROB", Path: one}, 405, 20004, "Method not allowed", allowInstance},
		{"unknown method, unknown path", testkit.Call{Method: "FROB", Path: "/v1/Nope"}, 404, 20404, "resource /Nope was not found", ""},
		// A path parameter is one non-empty segment: echo would hand the
		// last one the rest of the path.
		{"an extra segment", get(one + "/extra"), 404, 20404, "was not found", ""},
		{"a slash in the conversation", get(testkit.UserPath("bob") + "/gen/eral"), 404, 20404, "was not found", ""},
		{"a trailing slash", get(one + "/"), 404, 20404, "was not found", ""},
		{"an empty conversation", get(testkit.UserPath("bob") + "/"), 404, 20404, "was not found", ""},
		{"an empty user", get("/v1/Users//Conversations"), 404, 20404, "was not found", ""},

		// Authorization: malformed, or another scheme. Credentials are
		// checked before anything else, so a bad request gets a 401 too.
		{"Basic alone", withAuth(get(one), "Basic"), 401, 20003, "Authenticate", ""},
		{"Basic !!!", withAuth(get(one), "Basic !!!"), 401, 20003, "Authenticate", ""},
		{"Basic without colon", withAuth(get(one), "Basic "+base64.StdEncoding.EncodeToString([]byte(testkit.AccountA+testkit.TokenA))), 401, 20003, "Authenticate", ""},
		{"Basic with empty user and password", withAuth(get(one), testkit.Basic("", "")), 401, 20003, "Authenticate", ""},
		{"Bearer", withAuth(get(one), "Bearer x"), 401, 20003, "Authenticate", ""},
		{"Bearer with good Basic credentials", withAuth(get(one), "Bearer "+strings.TrimPrefix(testkit.Basic(testkit.AccountA, testkit.TokenA), "Basic ")), 401, 20003, "Authenticate", ""},
		{"Digest", withAuth(get(one), `Digest username="`+testkit.AccountA+`", realm="Twilio API", nonce="x", uri="/", response="y"`), 401, 20003, "Authenticate", ""},
		{"no credentials, bad body", testkit.Call{Method: http.MethodPost, Path: one, ContentType: form, Body: strings.NewReader("NotificationLevel=loud"), NoAuth: true}, 401, 20003, "Authenticate", ""},
		{"no credentials, unknown path", testkit.Call{Method: http.MethodGet, Path: "/v1/Nothing", NoAuth: true}, 401, 20003, "Authenticate", ""},

		// Host and X-Forwarded-Proto, which the absolute URLs are built from.
		{"Host with user info", withHost(get(one), "x@y"), 400, 20001, "Host", ""},
		{"Host with a bad escape", withHost(get(list), "a%zz"), 400, 20001, "Host", ""},
		{"Host with two ports, update", withHost(post(one, form, "NotificationLevel=muted"), "a:b:c"), 400, 20001, "Host", ""},
		{"Host with a path character", withHost(get(one), "a?b"), 400, 20001, "Host", ""},
	}
	if len(tests) < 40 {
		t.Fatalf("only %d malformed requests", len(tests))
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := s.Snapshot(t)
			r := s.Send(tt.call)
			if tt.call.Method == http.MethodHead {
				if r.Status != tt.status || len(r.Body) != 0 {
					t.Fatalf("HEAD: %d %q, want %d and no body", r.Status, r.Body, tt.status)
				}
			} else {
				msg := r.StrictError(t, tt.status, tt.code)
				if !strings.Contains(msg, tt.mentions) {
					t.Fatalf("message %q does not mention %q", msg, tt.mentions)
				}
			}
			if tt.status == http.StatusUnauthorized && r.Header.Get("Www-Authenticate") == "" {
				t.Error("401 without WWW-Authenticate")
			}
			if got := r.Header.Get("Allow"); got != tt.allow {
				t.Errorf("Allow = %q, want %q", got, tt.allow)
			}
			if !worldsEqual(before, s.Snapshot(t)) {
				t.Fatal("a refused request changed the state")
			}
		})
	}
}

// The body limit is echo's "64K": 64,000 bytes, not 65,536.
func TestBodyLimitBoundary(t *testing.T) {
	s := testkit.NewStub(t)
	const prefix = "NotificationLevel=muted&padding="
	body := prefix + strings.Repeat("a", 64_000-len(prefix))
	uc := s.Raw(http.MethodPost, testkit.UCPath("bob", "general"), "application/x-www-form-urlencoded", strings.NewReader(body)).UserConversation(t)
	if uc.NotificationLevel != "muted" {
		t.Fatalf("a 64,000-byte body was not applied: %s", uc.NotificationLevel)
	}
	s.Raw(http.MethodPost, testkit.UCPath("bob", "general"), "application/x-www-form-urlencoded", strings.NewReader(body+"a")).
		StrictError(t, http.StatusRequestEntityTooLarge, twilioerr.CodeTooLarge)
}

// The accepted forms next to the refused ones: the checks above refuse the
// malformed, not the merely unusual.
func TestUnusualButValidInput(t *testing.T) {
	s := testkit.NewStub(t)
	tests := []struct {
		name string
		call testkit.Call
	}{
		{"charset on the form type", testkit.Call{Method: http.MethodPost, Path: testkit.UCPath("bob", "general"),
			ContentType: "application/x-www-form-urlencoded; charset=utf-8", Body: strings.NewReader("NotificationLevel=muted")}},
		{"timestamp with fraction and offset", testkit.Call{Method: http.MethodPost, Path: testkit.UCPath("bob", "general"),
			ContentType: "application/x-www-form-urlencoded", Body: strings.NewReader("LastReadTimestamp=2024-05-06T07:08:09.123-02:30")}},
		{"basic scheme in lower case", testkit.Call{Method: http.MethodGet, Path: testkit.UCPath("bob", "general"), Header: testkit.AuthHeader("basic " + strings.TrimPrefix(testkit.Basic(testkit.AccountA, testkit.TokenA), "Basic "))}},
		{"unknown query parameter", testkit.Call{Method: http.MethodGet, Path: testkit.UserPath("alice") + "?Foo=%FF"}},
		// Only what the spec declares as one value must come once.
		{"unknown query parameter twice", testkit.Call{Method: http.MethodGet, Path: testkit.UserPath("alice") + "?Foo=1&Foo=2"}},
		{"unknown form field twice", testkit.Call{Method: http.MethodPost, Path: testkit.UCPath("bob", "general"),
			ContentType: "application/x-www-form-urlencoded", Body: strings.NewReader("Foo=1&Foo=2&NotificationLevel=muted")}},
		{"Page past the end", testkit.Call{Method: http.MethodGet, Path: testkit.UserPath("alice") + "?Page=9223372036854775807"}},
		{"IPv6 Host", testkit.Call{Method: http.MethodGet, Path: testkit.UCPath("bob", "general"), Host: "[::1]:8080"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if r := s.Send(tt.call); r.Status != http.StatusOK {
				t.Fatalf("status %d: %s", r.Status, r.Body)
			}
		})
	}
	// X-Forwarded-Proto from a (loopback) proxy is honoured when it names
	// http or https, and ignored otherwise.
	for proto, want := range map[string]string{"https": "https://stub.example.test/v1/", "javascript": "http://stub.example.test/v1/"} {
		r := s.Send(testkit.Call{Method: http.MethodGet, Path: testkit.UCPath("bob", "general"), Header: http.Header{"X-Forwarded-Proto": {proto}}, Host: "stub.example.test"})
		if uc := r.UserConversation(t); !strings.HasPrefix(*uc.Url, want) {
			t.Fatalf("X-Forwarded-Proto %s: url %s, want %s...", proto, *uc.Url, want)
		}
	}
}

// HTTP/1.0 allows a request without a Host header; the stub has no host to
// build its absolute URLs on, so it refuses rather than answer with URLs
// that are not absolute.
func TestRequestWithoutHost(t *testing.T) {
	s := testkit.NewStub(t)
	conn, err := net.Dial("tcp", strings.TrimPrefix(s.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "GET %s HTTP/1.0\r\nAuthorization: %s\r\n\r\n", testkit.UCPath("alice", "general"), testkit.Basic(testkit.AccountA, testkit.TokenA))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	r := testkit.Response{Status: resp.StatusCode, Header: resp.Header, Body: body}
	if msg := r.StrictError(t, http.StatusBadRequest, twilioerr.CodeInvalidParameter); !strings.Contains(msg, "Host") {
		t.Fatalf("message %q does not name the Host", msg)
	}
}
