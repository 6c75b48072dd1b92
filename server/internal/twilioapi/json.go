package twilioapi

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/twilio-stubs/userconversations/gen/conversations"
	"github.com/twilio-stubs/userconversations/gen/conversationsserver"
	"github.com/twilio-stubs/userconversations/server/internal/httpmw"
)

// The resources are written by the encoders generated from the spec
// (gen/conversationsserver/json.gen.go): straight-line code, without
// encoding/json's reflection, which profiling showed as the largest cost of
// a list page.

func respondUserConversation(c echo.Context, uc *conversations.UserConversation) error {
	return httpmw.WriteJSON(c, http.StatusOK, uc, conversationsserver.AppendUserConversation)
}

func respondPage(c echo.Context, p *conversations.UserConversationPage) error {
	return httpmw.WriteJSON(c, http.StatusOK, p, conversationsserver.AppendUserConversationPage)
}
