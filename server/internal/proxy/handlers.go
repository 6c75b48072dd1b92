package proxy

import (
	"github.com/labstack/echo/v4"

	"github.com/twilio-stubs/userconversations/gen/conversations"
	"github.com/twilio-stubs/userconversations/gen/conversationsserver"
	"github.com/twilio-stubs/userconversations/server/internal/recording"
)

// Handlers returns the Twilio API's operations, each forwarded upstream,
// for the generated RegisterHandlers: the same routes as the store's
// handlers, behind the same chain.
func (p *Proxy) Handlers() conversationsserver.ServerInterface { return handlers{p} }

// handlers implements the generated interface; the parameters it gets
// (unescaped) are what the recording learns names from.
type handlers struct{ *Proxy }

var _ conversationsserver.ServerInterface = handlers{}

func (h handlers) ListUserConversation(c echo.Context, user string, _ conversations.ListUserConversationParams) error {
	return h.forward(c, recording.Request{User: user})
}

func (h handlers) ListServiceUserConversation(c echo.Context, service, user string, _ conversations.ListServiceUserConversationParams) error {
	return h.forward(c, recording.Request{Service: service, User: user})
}

func (h handlers) FetchUserConversation(c echo.Context, user, conversation string) error {
	return h.forward(c, recording.Request{User: user, Conversation: conversation})
}

func (h handlers) FetchServiceUserConversation(c echo.Context, service, user, conversation string) error {
	return h.forward(c, recording.Request{Service: service, User: user, Conversation: conversation})
}

func (h handlers) UpdateUserConversation(c echo.Context, user, conversation string) error {
	return h.forward(c, recording.Request{User: user, Conversation: conversation})
}

func (h handlers) UpdateServiceUserConversation(c echo.Context, service, user, conversation string) error {
	return h.forward(c, recording.Request{Service: service, User: user, Conversation: conversation})
}

func (h handlers) DeleteUserConversation(c echo.Context, user, conversation string) error {
	return h.forward(c, recording.Request{User: user, Conversation: conversation})
}

func (h handlers) DeleteServiceUserConversation(c echo.Context, service, user, conversation string) error {
	return h.forward(c, recording.Request{Service: service, User: user, Conversation: conversation})
}
