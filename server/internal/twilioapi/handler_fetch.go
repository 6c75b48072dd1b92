package twilioapi

import (
	"github.com/labstack/echo/v4"

	"github.com/twilio-stubs/userconversations/server/store"
)

func (h *handlers) fetch(c echo.Context, service, user, conversation string) error {
	paths, err := h.pathsFor(c, service)
	if err != nil {
		return err
	}
	uc, err := h.store.FetchUserConversation(c.Request().Context(), scope(c, service), user, conversation)
	if err != nil {
		return err
	}
	return respondUserConversation(c, &paths.render([]store.UserConversation{uc})[0])
}
