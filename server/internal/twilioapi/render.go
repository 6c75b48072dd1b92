package twilioapi

import (
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/twilio-stubs/userconversations/gen/conversations"
	"github.com/twilio-stubs/userconversations/server/internal/twilioerr"
	"github.com/twilio-stubs/userconversations/server/store"
)

// resourcePaths builds the absolute URLs of the resource, in the default
// service (/v1/...) or in a named one (/v1/Services/IS.../...), as the
// request addressed it.
type resourcePaths struct {
	base    string // scheme://host, or the configured public URL
	service string // "" for the default service's paths
}

func (h *handlers) pathsFor(c echo.Context, service string) (resourcePaths, error) {
	base := h.publicURL
	if base == "" {
		var err error
		if base, err = h.requestBase(c); err != nil {
			return resourcePaths{}, err
		}
	}
	return resourcePaths{base: base, service: service}, nil
}

// requestBase is scheme://host of the request, or an error if the URLs built
// on it would not be absolute URIs: net/http lets through Host headers such
// as "a@b", "a:b:c" or "a%zz" (and none at all on HTTP/1.0). The last base
// that passed is remembered: nearly every request names the same host, and
// parsing it again was a few percent of a fetch.
func (h *handlers) requestBase(c echo.Context) (string, error) {
	host := c.Request().Host
	base := c.Scheme() + "://" + host
	if last := h.lastBase.Load(); last != nil && *last == base {
		return base, nil
	}
	if u, err := url.Parse(base); host == "" || err != nil || u.Host != host {
		return "", twilioerr.InvalidParameter("Host", "must be a host name or address, with an optional port")
	}
	h.lastBase.Store(&base)
	return base, nil
}

func (p resourcePaths) prefix() string {
	if p.service == "" {
		return p.base + "/v1"
	}
	return p.base + "/v1/Services/" + p.service
}

func (p resourcePaths) userConversations(userSID string) string {
	return p.prefix() + "/Users/" + url.PathEscape(userSID) + "/Conversations"
}

func (p resourcePaths) render(uc store.UserConversation) conversations.UserConversation {
	conversation := p.prefix() + "/Conversations/" + uc.ConversationSID
	self := p.userConversations(uc.UserSID) + "/" + uc.ConversationSID
	out := conversations.UserConversation{
		AccountSid:           &uc.AccountSID,
		ChatServiceSid:       &uc.ServiceSID,
		ConversationSid:      &uc.ConversationSID,
		ParticipantSid:       &uc.ParticipantSID,
		UserSid:              &uc.UserSID,
		FriendlyName:         uc.FriendlyName,
		UniqueName:           uc.UniqueName,
		CreatedBy:            uc.CreatedBy,
		Attributes:           &uc.Attributes,
		ConversationState:    conversations.ConversationState(uc.State),
		NotificationLevel:    conversations.NotificationLevel(uc.NotificationLevel),
		DateCreated:          &uc.DateCreated,
		DateUpdated:          &uc.DateUpdated,
		LastReadMessageIndex: uc.LastReadMessageIndex,
		UnreadMessagesCount:  uc.UnreadMessagesCount,
		Timers: &conversations.ConversationTimers{
			DateInactive: uc.Timers.DateInactive,
			DateClosed:   uc.Timers.DateClosed,
		},
		Url: &self,
		Links: &conversations.UserConversationLinks{
			Conversation: &conversation,
			Participant:  new(conversation + "/Participants/" + uc.ParticipantSID),
		},
	}
	return out
}

// pageURL is a list URL with its query in Twilio's order: PageSize, Page,
// PageToken.
func (p resourcePaths) pageURL(userSID string, pageSize, page int, token string) string {
	u := p.userConversations(userSID) + "?PageSize=" + strconv.Itoa(pageSize) + "&Page=" + strconv.Itoa(page)
	if token != "" {
		u += "&PageToken=" + url.QueryEscape(token)
	}
	return u
}
