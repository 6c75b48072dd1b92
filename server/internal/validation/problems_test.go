package validation_test

import (
	"net/http"
	"testing"

	"github.com/twilio-stubs/userconversations/gen/conversationsserver"
	"github.com/twilio-stubs/userconversations/server/internal/routes"
	"github.com/twilio-stubs/userconversations/server/internal/validation"
)

func route(t *testing.T, method, path string) *routes.Route {
	t.Helper()
	table, err := routes.FromEmbedded(conversationsserver.PathToRawSpec, conversationsserver.GetSpec)
	if err != nil {
		t.Fatal(err)
	}
	return table.Lookup(method, path)
}

// Headers are read as their schema's type; a 204 says nothing of a body;
// a body's pointers are RFC 6901's; personal values are withheld
// wherever the pointer passes a property the spec marks.
func TestResponseProblems(t *testing.T) {
	remove := route(t, http.MethodDelete, "/v1/Users/:UserSid/Conversations/:ConversationSid")
	list := route(t, http.MethodGet, "/v1/Users/:UserSid/Conversations")
	headers := http.Header{"Twilio-Request-Id": {"RQ0123456789abcdef0123456789abcdef"}, "Twilio-Request-Duration": {"0.001"}}
	if ps := validation.ResponseProblems(remove, http.StatusNoContent, headers, []byte("ignored")); len(ps) != 0 {
		t.Errorf("a 204: %+v", ps)
	}
	tooMany := http.Header{"Retry-After": {"soon"}, "Content-Type": {"application/json"}}
	for k, v := range headers {
		tooMany[k] = v
	}
	ps := validation.ResponseProblems(list, http.StatusTooManyRequests, tooMany,
		[]byte(`{"code":20429,"message":"x","more_info":"https://www.twilio.com/docs/errors/20429","status":429}`))
	if len(ps) != 1 || ps[0].Name != "Retry-After" || ps[0].Rule != "type" || ps[0].Value != `"soon"` {
		t.Errorf("a Retry-After that is no number: %+v", ps)
	}
	page := `{"meta":{"page":0,"page_size":50,"first_page_url":"https://x.test/a","previous_page_url":null,"url":"https://x.test/a","next_page_url":null,"key":"conversations"},
		"conversations":[{"friendly_name":7,"unique_name":{"a/b":1},"attributes":"{}"}]}`
	ok := map[string]bool{}
	for _, p := range validation.ResponseProblems(list, http.StatusOK, http.Header{"Content-Type": {"application/json"}, "Twilio-Request-Id": headers["Twilio-Request-Id"], "Twilio-Request-Duration": headers["Twilio-Request-Duration"]}, []byte(page)) {
		switch p.Pointer {
		case "/conversations/0/friendly_name":
			ok["personal"] = p.Rule == "type" && p.Redacted && p.Value == ""
		case "/conversations/0/unique_name":
			ok["object"] = p.Rule == "type" && p.Value == ""
		case "/conversations/0/account_sid":
			ok["required"] = p.Rule == "required"
		}
	}
	if !ok["personal"] || !ok["object"] || !ok["required"] {
		t.Errorf("page problems: %v", ok)
	}
	// One JSON value and nothing after it, as a request body must be.
	jsonHeaders := http.Header{"Content-Type": {"application/json"}, "Twilio-Request-Id": headers["Twilio-Request-Id"], "Twilio-Request-Duration": headers["Twilio-Request-Duration"]}
	for _, trailing := range []string{" x", "]", " {}"} {
		ps := validation.ResponseProblems(list, http.StatusOK, jsonHeaders, []byte(page+trailing))
		if len(ps) != 1 || ps[0].Rule != validation.RuleJSON {
			t.Errorf("a page followed by %q: %+v", trailing, ps)
		}
	}
}
