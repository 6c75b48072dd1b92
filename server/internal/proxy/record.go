package proxy

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/twilio-stubs/userconversations/gen/conversations"
	"github.com/twilio-stubs/userconversations/server/internal/recording"
	"github.com/twilio-stubs/userconversations/server/internal/routes"
	"github.com/twilio-stubs/userconversations/server/internal/validation"
)

// record tells the recorder what a passed-on answer showed. A resource
// that breaks the spec is left out: the stub could not answer with it.
func (p *Proxy) record(rec recording.Request, route *routes.Route, status int, body []byte, problems []validation.Problem) {
	switch {
	case route.Method == http.MethodDelete && status == http.StatusNoContent:
		p.recorder.Removed(rec)
	case status != http.StatusOK:
	case route.Method == http.MethodGet && rec.Conversation == "":
		p.recordPage(rec, body, problems)
	case !inBody(problems, ""):
		var uc conversations.UserConversation
		if json.Unmarshal(body, &uc) == nil {
			p.recorder.Saw(rec, uc)
		}
	}
}

// recordPage records the items of a list page that keep to the spec.
func (p *Proxy) recordPage(rec recording.Request, body []byte, problems []validation.Problem) {
	var raw struct {
		Conversations []json.RawMessage `json:"conversations"`
	}
	if json.Unmarshal(body, &raw) != nil {
		return
	}
	var page conversations.UserConversationPage
	ok := make([]bool, len(raw.Conversations))
	for i, item := range raw.Conversations {
		var uc conversations.UserConversation
		ok[i] = !inBody(problems, "/conversations/"+strconv.Itoa(i)) && json.Unmarshal(item, &uc) == nil
		page.Conversations = append(page.Conversations, uc)
	}
	p.recorder.SawPage(rec, page, func(i int) bool { return !ok[i] })
}

// inBody reports whether a problem lies at or under the JSON Pointer
// prefix of the body ("" for anywhere in it).
func inBody(problems []validation.Problem, prefix string) bool {
	for _, pr := range problems {
		if pr.Location == validation.LocationBody &&
			(prefix == "" || pr.Pointer == prefix || strings.HasPrefix(pr.Pointer, prefix+"/")) {
			return true
		}
	}
	return false
}
