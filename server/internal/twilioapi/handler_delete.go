package twilioapi

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

func (h *handlers) remove(c echo.Context, service, user, conversation string) error {
	if err := h.store.RemoveUserConversation(c.Request().Context(), scope(c, service), user, conversation); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
