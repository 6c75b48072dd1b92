package server

import (
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/twilio-stubs/userconversations/gen/conversations"
	"github.com/twilio-stubs/userconversations/server/store"
)

// resourcePaths builds the absolute URLs of the resource, in the default
// service (/v1/...) or in a named one (/v1/Services/IS.../...), as the
// request addressed it.
type resourcePaths struct {
	base    string // scheme://host, or the configured public URL
	service string // "" for the default service's paths
}

func (s *Server) pathsFor(c echo.Context, service string) resourcePaths {
	base := s.publicURL
	if base == "" {
		base = c.Scheme() + "://" + c.Request().Host
	}
	return resourcePaths{base: base, service: service}
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
			Conversation: conversation,
			Participant:  conversation + "/Participants/" + uc.ParticipantSID,
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
