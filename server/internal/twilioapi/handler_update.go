package twilioapi

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/twilio-stubs/userconversations/gen/conversations"
	"github.com/twilio-stubs/userconversations/server/internal/twilioerr"
	"github.com/twilio-stubs/userconversations/server/store"
)

func (h *handlers) update(c echo.Context, service, user, conversation string) error {
	// Before the change: a request refused must change nothing.
	paths, err := h.pathsFor(c, service)
	if err != nil {
		return err
	}
	form, err := c.FormParams()
	if err != nil {
		return twilioerr.New(http.StatusBadRequest, "Invalid request body: "+err.Error())
	}
	change, err := toUpdate(h.updateForm.bind(form))
	if err != nil {
		return err
	}
	uc, err := h.store.UpdateUserConversation(c.Request().Context(), scope(c, service), user, conversation, change)
	if err != nil {
		return err
	}
	return respondUserConversation(c, paths.renderOne(uc))
}

// toUpdate reads the form fields the spec has already checked (types and
// ranges); the form's strings become the store's values.
func toUpdate(body conversations.UpdateUserConversationRequest) (store.Update, error) {
	var u store.Update
	if body.NotificationLevel != nil {
		level := string(*body.NotificationLevel)
		u.NotificationLevel = &level
	}
	if body.LastReadTimestamp != nil {
		t, err := time.Parse(time.RFC3339, *body.LastReadTimestamp)
		if err != nil {
			return u, twilioerr.InvalidParameter("LastReadTimestamp", "must be an RFC 3339 date-time")
		}
		if !store.ValidTime(t) {
			// Stored, it could never be exported again.
			return u, twilioerr.InvalidParameter("LastReadTimestamp", "must be "+store.TimeRange)
		}
		u.LastReadTimestamp = &t
	}
	if body.LastReadMessageIndex != nil {
		u.SetReadIndex = true
		if *body.LastReadMessageIndex != "" { // empty clears the read horizon
			index, err := strconv.Atoi(*body.LastReadMessageIndex)
			if err != nil {
				return u, twilioerr.InvalidParameter("LastReadMessageIndex", "must be an integer")
			}
			u.LastReadMessageIndex = &index
		}
	}
	return u, nil
}
