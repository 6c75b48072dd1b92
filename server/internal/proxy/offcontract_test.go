package proxy_test

import (
	"bytes"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	admingen "github.com/twilio-stubs/userconversations/gen/admin"
	"github.com/twilio-stubs/userconversations/server"
	"github.com/twilio-stubs/userconversations/server/internal/testkit"
)

// found is what a test expects of one violation.
type found struct {
	location, name, pointer, rule, value string
	redacted                             bool
}

func foundOf(v admingen.Violation) found {
	return found{string(v.Location), testkit.Deref(v.Name), testkit.Deref(v.Pointer), v.Rule, testkit.Deref(v.Value), testkit.Deref(v.Redacted)}
}

// A personal value (friendly_name is x-twilio pii) that must never be
// logged or listed.
const secretName = "Dr. Jane Personal-Data"

// Every way an upstream answer can break the spec is caught, with the
// JSON Pointer and the rule, every problem of one answer listed; the
// answer itself is passed on as the upstream sent it.
func TestOffContractAnswersAreCaught(t *testing.T) {
	t.Parallel()
	withBody := func(change func(uc map[string]any)) func(string) canned {
		return func(base string) canned {
			uc := userConversation(base)
			change(uc)
			return canned{http.StatusOK, twilioHeaders(), testkit.MustJSON(t, uc)}
		}
	}
	tests := []struct {
		name   string
		answer func(base string) canned
		want   []found
	}{
		{"a wrong type", withBody(func(uc map[string]any) { uc["unread_messages_count"] = "12" }),
			[]found{{location: "body", pointer: "/unread_messages_count", rule: "type", value: `"12"`}}},
		{"a missing required property", withBody(func(uc map[string]any) { delete(uc, "participant_sid") }),
			[]found{{location: "body", pointer: "/participant_sid", rule: "required"}}},
		{"an unknown enum value", withBody(func(uc map[string]any) { uc["conversation_state"] = "archived" }),
			[]found{{location: "body", pointer: "/conversation_state", rule: "enum", value: `"archived"`}}},
		{"a personal value", withBody(func(uc map[string]any) { uc["friendly_name"] = strings.Repeat(secretName, 20) }),
			[]found{{location: "body", pointer: "/friendly_name", rule: "maxLength", redacted: true}}},
		{"every problem of one answer", withBody(func(uc map[string]any) {
			uc["unread_messages_count"] = -1
			uc["notification_level"] = "loud"
			uc["links"] = map[string]any{"conversation": "/relative"}
		}), []found{
			{location: "body", pointer: "/links/conversation", rule: "format", value: `"/relative"`},
			{location: "body", pointer: "/notification_level", rule: "enum", value: `"loud"`},
			{location: "body", pointer: "/unread_messages_count", rule: "minimum", value: "-1"},
		}},
		{"an undeclared status", func(string) canned {
			return canned{http.StatusTeapot, twilioHeaders(), []byte(`{"code":20418,"message":"teapot","more_info":"https://www.twilio.com/docs/errors/20418","status":418}`)}
		}, []found{{location: "status", rule: "status", value: "418"}}},
		{"a body that is not JSON", func(string) canned {
			return canned{http.StatusOK, twilioHeaders(), []byte("<html>gateway</html>")}
		}, []found{{location: "body", rule: "json"}}},
		{"an undeclared media type", func(base string) canned {
			h := twilioHeaders()
			h.Set("Content-Type", "text/html")
			return canned{http.StatusOK, h, []byte("<html>gateway</html>")}
		}, []found{{location: "body", rule: "content_type", value: `"text/html"`}}},
		{"a missing and a malformed header", func(base string) canned {
			h := twilioHeaders()
			h.Del("Twilio-Request-Id")
			h.Set("Twilio-Request-Duration", "fast")
			return canned{http.StatusOK, h, testkit.MustJSON(t, userConversation(base))}
		}, []found{
			{location: "header", name: "Twilio-Request-Duration", rule: "pattern", value: `"fast"`},
			{location: "header", name: "Twilio-Request-Id", rule: "required"},
		}},
	}
	// One upstream and one proxy for every case: the path names the case.
	var mu sync.Mutex
	sent := map[string]canned{}
	up := newFakeUpstream(t, func(r *http.Request) canned {
		name := path.Base(r.URL.Path)
		i, _ := strconv.Atoi(strings.TrimPrefix(name, "case-"))
		a := tests[i].answer("http://" + r.Host)
		mu.Lock()
		sent[name] = a
		mu.Unlock()
		return a
	})
	s, logs := proxyTo(t, up.URL, nil)
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			adminCall(s, http.MethodDelete, "/_stub/violations")
			target := "/v1/Users/alice/Conversations/case-" + strconv.Itoa(i)
			r := s.Request(http.MethodGet, target, nil)
			mu.Lock()
			sent := sent["case-"+strconv.Itoa(i)]
			mu.Unlock()

			// Passed on as sent, but for the URLs.
			wantBody := bytes.ReplaceAll(sent.body, []byte(up.URL), []byte(s.URL))
			if r.Status != sent.status || !bytes.Equal(r.Body, wantBody) {
				t.Fatalf("answered %d %s\nwant %d %s", r.Status, r.Body, sent.status, wantBody)
			}

			vs := violationsOf(t, s, "")
			listed := adminCall(s, http.MethodGet, "/_stub/violations").Body
			for _, secret := range []string{secretName, testkit.TokenA} {
				if bytes.Contains(listed, []byte(secret)) {
					t.Errorf("%q is listed", secret)
				}
			}
			var got []found
			var ids []string
			for _, v := range vs {
				got = append(got, foundOf(v))
				ids = append(ids, v.Id)
				if v.Operation != "FetchUserConversation" || v.Direction != admingen.ViolationDirectionResponse || v.Status != sent.status ||
					testkit.Deref(v.Account) != testkit.AccountA || v.Path != target {
					t.Errorf("violation %+v", v)
				}
				if id := sent.header.Get("Twilio-Request-Id"); testkit.Deref(v.RequestId) != id {
					t.Errorf("request_id %q, want the upstream's %q", testkit.Deref(v.RequestId), id)
				}
			}
			slices.SortFunc(got, func(a, b found) int { return strings.Compare(a.pointer+a.name, b.pointer+b.name) })
			if !slices.Equal(got, tt.want) {
				t.Fatalf("violations\n%+v\nwant\n%+v", got, tt.want)
			}

			entries := journalOf(t, s)
			if last := entries[len(entries)-1]; !slices.Equal(testkit.Deref(last.Violations), ids) {
				t.Errorf("the journal marks %v, want %v", testkit.Deref(last.Violations), ids)
			}
			log := logs.String()
			for _, f := range tt.want {
				if !strings.Contains(log, "rule="+f.rule) || (f.pointer != "" && !strings.Contains(log, "pointer="+f.pointer)) {
					t.Errorf("no log line for %+v:\n%s", f, log)
				}
			}
		})
	}
	for _, secret := range []string{secretName, testkit.TokenA} {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("%q is logged", secret)
		}
	}
}

// With --upstream-strict, an off-contract answer is not passed on: the
// caller gets a 502 naming the first problem.
func TestStrictModeRefusesOffContractAnswers(t *testing.T) {
	t.Parallel()
	up := newFakeUpstream(t, func(r *http.Request) canned {
		uc := userConversation("http://" + r.Host)
		uc["unread_messages_count"] = "12"
		uc["conversation_state"] = "archived"
		return canned{http.StatusOK, twilioHeaders(), testkit.MustJSON(t, uc)}
	})
	s, _ := proxyTo(t, up.URL, func(c *server.Config) { c.UpstreamStrict = true })
	msg := s.Request(http.MethodGet, "/v1/Users/alice/Conversations/general", nil).StrictError(t, http.StatusBadGateway, 20502)
	for _, part := range []string{"FetchUserConversation answered 200", "body /conversation_state", "(rule enum)", "1 more in GET /_stub/violations"} {
		if !strings.Contains(msg, part) {
			t.Errorf("message %q does not say %q", msg, part)
		}
	}
	if n := len(violationsOf(t, s, "")); n != 2 {
		t.Errorf("%d violations listed, want 2", n)
	}
}

// A request that breaks the spec is refused as offline (400), not
// forwarded, and listed as a violation of the request.
func TestOffContractRequestsAreRefusedAndListed(t *testing.T) {
	t.Parallel()
	up := newFakeUpstream(t, func(*http.Request) canned { return canned{status: http.StatusInternalServerError} })
	s, _ := proxyTo(t, up.URL, nil)
	s.Request(http.MethodGet, "/v1/Users/alice/Conversations?PageSize=5000", nil).StrictError(t, http.StatusBadRequest, 20001)
	s.Request(http.MethodPost, "/v1/Users/alice/Conversations/general", map[string][]string{"NotificationLevel": {"loud"}}).StrictError(t, http.StatusBadRequest, 20001)
	s.Request(http.MethodPost, "/v1/Users/alice/Conversations/general", map[string][]string{"LastReadMessageIndex": {"abc"}}).StrictError(t, http.StatusBadRequest, 20001)
	if n := len(up.requests()); n != 0 {
		t.Fatalf("%d refused requests were forwarded", n)
	}
	vs := violationsOf(t, s, "")
	want := []found{
		{location: "query", name: "PageSize", rule: "maximum", value: "5000"},
		{location: "body", pointer: "/NotificationLevel", rule: "enum", value: `"loud"`},
		{location: "body", pointer: "/LastReadMessageIndex", rule: "type"},
	}
	if len(vs) != len(want) {
		t.Fatalf("violations %+v", vs)
	}
	for i, v := range vs {
		if got := foundOf(v); got != want[i] || v.Direction != admingen.ViolationDirectionRequest || v.Status != http.StatusBadRequest {
			t.Errorf("violation %d: %+v (%s, %d), want %+v", i, got, v.Direction, v.Status, want[i])
		}
	}
	if only := violationsOf(t, s, "?operation=ListUserConversation"); len(only) != 1 || only[0].Id != vs[0].Id {
		t.Errorf("filtered by operation: %+v", only)
	}
}
