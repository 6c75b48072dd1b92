package proxy_test

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/twilio-stubs/userconversations/server"
	"github.com/twilio-stubs/userconversations/server/internal/proxy"
	"github.com/twilio-stubs/userconversations/server/internal/testkit"
	"github.com/twilio-stubs/userconversations/server/store/memory"
)

// A conforming answer goes back as the upstream sent it: status, headers
// (its Twilio-Request-Id and -Duration, not the stub's), body, but for the
// URLs, which point at the stub. The request went upstream as the caller
// sent it: path escapes, query, credentials, the form body byte for byte.
func TestForwardsAsSent(t *testing.T) {
	t.Parallel()
	var forwardedBody []byte
	up := newFakeUpstream(t, func(r *http.Request) canned {
		forwardedBody, _ = io.ReadAll(r.Body)
		h := twilioHeaders()
		h.Set("X-Upstream", "kept")
		h.Set("Set-Cookie", "shown=as-sent")
		return canned{http.StatusOK, h, testkit.MustJSON(t, userConversation("http://"+r.Host))}
	})
	s, _ := proxyTo(t, up.URL, nil)
	form := "NotificationLevel=muted&LastReadMessageIndex=5"
	r := s.Raw(http.MethodPost, "/v1/Users/eve%2Fops/Conversations/general?Unknown=1", "application/x-www-form-urlencoded", strings.NewReader(form))

	want := testkit.MustJSON(t, userConversation(s.URL))
	if r.Status != http.StatusOK || !bytes.Equal(r.Body, want) {
		t.Fatalf("answered %d %s\nwant %s", r.Status, r.Body, want)
	}
	for name, value := range map[string]string{
		"Twilio-Request-Id":       "RQ0123456789abcdef0123456789abcdef",
		"Twilio-Request-Duration": "0.042",
		"X-Upstream":              "kept",
		"Set-Cookie":              "shown=as-sent",
		"Content-Type":            "application/json",
		"Content-Length":          strconv.Itoa(len(want)),
	} {
		if got := r.Header.Get(name); got != value {
			t.Errorf("%s: %q, want %q", name, got, value)
		}
	}
	got := up.requests()
	if len(got) != 1 {
		t.Fatalf("%d requests upstream", len(got))
	}
	sent := got[0]
	if sent.URL.EscapedPath() != "/v1/Users/eve%2Fops/Conversations/general" || sent.URL.RawQuery != "Unknown=1" ||
		sent.Header.Get("Authorization") != testkit.Basic(testkit.AccountA, testkit.TokenA) ||
		string(forwardedBody) != form {
		t.Fatalf("forwarded %s %s?%s with %q, body %q", sent.Method, sent.URL.EscapedPath(), sent.URL.RawQuery,
			sent.Header.Get("Authorization"), forwardedBody)
	}
	if vs := violationsOf(t, s, ""); len(vs) != 0 {
		t.Fatalf("a conforming answer has violations: %+v", vs)
	}
	entry := journalOf(t, s)[0]
	if testkit.Deref(entry.RequestId) != "RQ0123456789abcdef0123456789abcdef" || testkit.Deref(entry.Account) != testkit.AccountA || entry.Form["NotificationLevel"][0] != "muted" {
		t.Fatalf("journal: %+v", entry)
	}
}

// The upstream failing is a Twilio error, 502 or 504, never a hang.
func TestUpstreamFailuresAreTwilioErrors(t *testing.T) {
	t.Parallel()
	dead := func() string {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		return "http://" + addr
	}
	slow := newFakeUpstream(t, func(r *http.Request) canned {
		<-r.Context().Done() // the proxy gives up first
		return canned{status: http.StatusOK}
	})
	unavailable := newFakeUpstream(t, func(*http.Request) canned {
		h := twilioHeaders()
		h.Set("Retry-After", "7")
		return canned{http.StatusServiceUnavailable, h, []byte(`{"code":20503,"message":"Service Unavailable","more_info":"https://www.twilio.com/docs/errors/20503","status":503}`)}
	})
	huge := newFakeUpstream(t, func(r *http.Request) canned {
		if strings.HasPrefix(r.URL.Path, "/declared/") {
			h := twilioHeaders()
			h.Set("Content-Length", strconv.Itoa(proxy.MaxBodyBytes+1)) // and nothing sent: refused unread
			return canned{http.StatusOK, h, nil}
		}
		return canned{http.StatusOK, twilioHeaders(), bytes.Repeat([]byte(" "), proxy.MaxBodyBytes+1)}
	})
	tests := []struct {
		name, upstream string
		status         int
		message        []string
	}{
		{"a slow upstream", slow.URL, http.StatusGatewayTimeout, []string{"did not answer within 200ms"}},
		{"a dead upstream", dead(), http.StatusBadGateway, []string{"cannot be reached", "connection refused"}},
		{"an upstream 5xx", unavailable.URL, http.StatusBadGateway, []string{"answered 503: Service Unavailable (code 20503)", "Twilio-Request-Id RQ0123456789abcdef0123456789abcdef"}},
		{"an upstream answer too large", huge.URL, http.StatusBadGateway, []string{"answered over 16777216 bytes"}},
		{"an upstream answer said to be too large", huge.URL + "/declared", http.StatusBadGateway, []string{"answered over 16777216 bytes"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, logs := proxyTo(t, tt.upstream, func(c *server.Config) {
				if tt.upstream == slow.URL {
					c.UpstreamTimeout = 200 * time.Millisecond // the others must not depend on time
				}
			})
			r := s.Request(http.MethodGet, "/v1/Users/alice/Conversations", nil)
			msg := r.StrictError(t, tt.status, 20000+tt.status)
			for _, part := range append(tt.message, tt.upstream) {
				if !strings.Contains(msg, part) {
					t.Errorf("message %q does not say %q", msg, part)
				}
			}
			if tt.upstream == unavailable.URL && r.Header.Get("Retry-After") != "7" {
				t.Errorf("Retry-After %q, want the upstream's 7", r.Header.Get("Retry-After"))
			}
			if !strings.HasPrefix(r.Header.Get("Twilio-Request-Id"), "RQ") {
				t.Errorf("the stub's error has no Twilio-Request-Id")
			}
			if strings.Contains(logs.String(), testkit.TokenA) {
				t.Error("a credential is logged")
			}
		})
	}
}

// The flags' values are checked before anything starts.
func TestParseUpstream(t *testing.T) {
	t.Parallel()
	for raw, want := range map[string]string{
		"https://conversations.twilio.com":       "https://conversations.twilio.com",
		"https://conversations.twilio.com/":      "https://conversations.twilio.com",
		"http://127.0.0.1:8081/prefix/":          "http://127.0.0.1:8081/prefix",
		"ftp://conversations.twilio.com":         "",
		"conversations.twilio.com":               "",
		"https://AC1:token@conversations.twilio": "",
		"https://conversations.twilio.com/?x=1":  "",
		"https://":                               "",
	} {
		got, err := proxy.ParseUpstream(raw)
		if got != want || (want == "") != (err != nil) {
			t.Errorf("ParseUpstream(%q) = %q, %v; want %q", raw, got, err, want)
		}
		if err != nil && strings.Contains(err.Error(), "token") {
			t.Errorf("ParseUpstream(%q): the error repeats the credentials: %v", raw, err)
		}
	}
	if _, err := server.New(server.Config{Store: memory.New(), Upstream: "https://x.test", UpstreamTimeout: time.Hour}); err == nil {
		t.Error("a timeout over the maximum was accepted")
	}
}
