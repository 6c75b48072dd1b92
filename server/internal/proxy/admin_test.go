package proxy_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/twilio-stubs/userconversations/server"
	"github.com/twilio-stubs/userconversations/server/internal/testkit"
)

// Violations are counted in the metrics, cleared by DELETE
// /_stub/violations and by a reset (all, or one account's); the admin API
// and the health check work in proxy mode.
func TestViolationsAreCountedAndCleared(t *testing.T) {
	t.Parallel()
	up := newFakeUpstream(t, func(r *http.Request) canned {
		uc := userConversation("http://" + r.Host)
		uc["unread_messages_count"] = "12"
		return canned{http.StatusOK, twilioHeaders(), testkit.MustJSON(t, uc)}
	})
	s, _ := proxyTo(t, up.URL, nil)
	if r := s.Send(testkit.Call{Method: http.MethodGet, Path: "/_stub/health", NoAuth: true}); r.Status != http.StatusOK {
		t.Fatalf("health: %d", r.Status)
	}
	fetch := func() { s.Request(http.MethodGet, "/v1/Users/alice/Conversations/general", nil) }

	fetch()
	fetch()
	metrics := string(s.Send(testkit.Call{Method: http.MethodGet, Path: "/_stub/metrics", NoAuth: true}).Body)
	const counter = `conversations_stub_contract_violations_total{direction="response",operation="FetchUserConversation",rule="type"} 2`
	if !strings.Contains(metrics, counter) {
		t.Errorf("the metrics do not hold %s", counter)
	}
	if strings.Contains(metrics, testkit.TokenA) {
		t.Error("the metrics hold a credential")
	}

	if r := adminCall(s, http.MethodDelete, "/_stub/violations"); r.Status != http.StatusNoContent {
		t.Fatalf("DELETE /_stub/violations: %d", r.Status)
	}
	if vs := violationsOf(t, s, ""); len(vs) != 0 {
		t.Fatalf("after DELETE: %+v", vs)
	}
	fetch()
	if vs := violationsOf(t, s, ""); len(vs) != 1 || vs[0].Id != "v3" {
		t.Fatalf("numbering goes on across clears: %+v", vs)
	}
	adminCall(s, http.MethodPost, "/_stub/reset?account="+testkit.AccountB)
	if vs := violationsOf(t, s, ""); len(vs) != 1 {
		t.Fatalf("resetting account B cleared account A's violations: %+v", vs)
	}
	adminCall(s, http.MethodPost, "/_stub/reset?account="+testkit.AccountA)
	if vs := violationsOf(t, s, ""); len(vs) != 0 {
		t.Fatalf("resetting account A kept its violations: %+v", vs)
	}
	fetch()
	adminCall(s, http.MethodPost, "/_stub/reset")
	if vs := violationsOf(t, s, ""); len(vs) != 0 {
		t.Fatalf("a reset kept the violations: %+v", vs)
	}
}

// GET /_stub/recording is a 404 that says why until there is a recording.
func TestRecordingNeedsProxyModeAndAnAnswer(t *testing.T) {
	t.Parallel()
	plain := testkit.NewStubWith(t, testkit.World(), func(c *server.Config) { c.AdminToken = adminToken })
	if msg := adminCall(plain, http.MethodGet, "/_stub/recording").StrictError(t, http.StatusNotFound, 20404); !strings.Contains(msg, "not a proxy") {
		t.Errorf("message %q", msg)
	}
	up := newFakeUpstream(t, func(*http.Request) canned {
		return canned{http.StatusNotFound, twilioHeaders(), []byte(`{"code":20404,"message":"The requested resource /Users/alice/Conversations/x was not found","more_info":"https://www.twilio.com/docs/errors/20404","status":404}`)}
	})
	s, _ := proxyTo(t, up.URL, nil)
	s.Request(http.MethodGet, "/v1/Users/alice/Conversations/x", nil)
	if msg := adminCall(s, http.MethodGet, "/_stub/recording").StrictError(t, http.StatusNotFound, 20404); !strings.Contains(msg, "Nothing is recorded yet") {
		t.Errorf("message %q", msg)
	}
	if vs := violationsOf(t, s, ""); len(vs) != 0 {
		t.Errorf("a declared 404 is a violation: %+v", vs)
	}
}
