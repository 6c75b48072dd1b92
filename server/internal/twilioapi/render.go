package twilioapi

import (
	"net/url"
	"strconv"
	"strings"

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
	host, scheme := c.Request().Host, c.Scheme()
	if last := h.lastBase.Load(); last != nil && last.host == host && last.scheme == scheme {
		return last.base, nil
	}
	base := scheme + "://" + host
	if u, err := url.Parse(base); host == "" || err != nil || u.Host != host {
		return "", twilioerr.InvalidParameter("Host", "must be a host name or address, with an optional port")
	}
	h.lastBase.Store(&requestBase{scheme: scheme, host: host, base: base})
	return base, nil
}

// requestBase is a request's scheme and host, and the base URL they make.
type requestBase struct{ scheme, host, base string }

func (p resourcePaths) prefix() string {
	if p.service == "" {
		return p.base + "/v1"
	}
	return p.base + "/v1/Services/" + p.service
}

func (p resourcePaths) userConversations(userSID string) string {
	return p.prefix() + "/Users/" + url.PathEscape(userSID) + "/Conversations"
}

// render returns items as the API's models, pointing into items. The
// URLs of all of them are written into one string and sliced from it, and
// their timers and links come from one slice each: a page of 50 costs a
// handful of allocations, not several per item.
func (p resourcePaths) render(items []store.UserConversation) []conversations.UserConversation {
	n := len(items)
	out := make([]conversations.UserConversation, n)
	if n == 0 {
		return out
	}
	timers := make([]conversations.ConversationTimers, n)
	links := make([]conversations.UserConversationLinks, n)
	// Three URLs per item: the conversation's, the item's own, the
	// participant's.
	urls := make([]string, 3*n)
	ends := make([]int, 3*n)
	prefix := p.prefix()
	var b strings.Builder
	b.Grow(n * (3*len(prefix) + 256))
	for i := range items {
		uc := &items[i]
		b.WriteString(prefix)
		b.WriteString("/Conversations/")
		b.WriteString(uc.ConversationSID)
		ends[3*i] = b.Len()
		b.WriteString(prefix)
		b.WriteString("/Users/")
		b.WriteString(url.PathEscape(uc.UserSID))
		b.WriteString("/Conversations/")
		b.WriteString(uc.ConversationSID)
		ends[3*i+1] = b.Len()
		b.WriteString(prefix)
		b.WriteString("/Conversations/")
		b.WriteString(uc.ConversationSID)
		b.WriteString("/Participants/")
		b.WriteString(uc.ParticipantSID)
		ends[3*i+2] = b.Len()
	}
	all, start := b.String(), 0
	for k, end := range ends {
		urls[k], start = all[start:end], end
	}
	for i := range items {
		uc := &items[i]
		timers[i] = conversations.ConversationTimers{DateInactive: uc.Timers.DateInactive, DateClosed: uc.Timers.DateClosed}
		links[i] = conversations.UserConversationLinks{Conversation: &urls[3*i], Participant: &urls[3*i+2]}
		out[i] = conversations.UserConversation{
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
			Timers:               &timers[i],
			Url:                  &urls[3*i+1],
			Links:                &links[i],
		}
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
