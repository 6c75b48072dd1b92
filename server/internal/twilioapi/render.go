package twilioapi

import (
	"net/url"
	"strconv"
	"strings"
	"sync"

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

// render returns items as the API's models, pointing into items and into
// a scratch page from a pool: its release gives it back once the answer
// is written. The URLs of all of them are written into one string and sliced
// from it: a page of 50 costs a few allocations, not several per item,
// and most of what it needs is reused.
func (p resourcePaths) render(items []store.UserConversation) ([]conversations.UserConversation, *scratchPage) {
	sp := scratchPages.Get().(*scratchPage)
	sp.grow(len(items))
	out := sp.out[:len(items)]
	if out == nil {
		out = []conversations.UserConversation{} // an empty page is [], not null
	}
	if len(items) > 0 {
		prefix := p.prefix()
		var b strings.Builder
		b.Grow(len(items) * (3*len(prefix) + 256))
		ends := sp.ends[:len(items)]
		for i := range items {
			ends[i] = writeURLs(&b, prefix, &items[i])
		}
		all, start := b.String(), 0
		for i := range items {
			urls := &sp.urls[i]
			for k, end := range ends[i] {
				urls[k], start = all[start:end], end
			}
			fill(&out[i], &items[i], &sp.timers[i], &sp.links[i], urls)
		}
	}
	return out, sp
}

// scratchPage is what render needs besides the URLs' string, kept for the
// next page: the models, their timers, links and URLs.
type scratchPage struct {
	out    []conversations.UserConversation
	timers []conversations.ConversationTimers
	links  []conversations.UserConversationLinks
	urls   [][3]string
	ends   [][3]int
	used   int
}

// maxScratchItems bounds what a pooled page keeps: the spec's largest
// PageSize.
const maxScratchItems = 1000

var scratchPages = sync.Pool{New: func() any { return new(scratchPage) }}

func (sp *scratchPage) grow(n int) {
	if cap(sp.out) < n {
		sp.out = make([]conversations.UserConversation, n)
		sp.timers = make([]conversations.ConversationTimers, n)
		sp.links = make([]conversations.UserConversationLinks, n)
		sp.urls = make([][3]string, n)
		sp.ends = make([][3]int, n)
	}
	sp.used = n
}

// release clears what the page points to, for the collector, and pools
// it.
func (sp *scratchPage) release() {
	n := sp.used
	clear(sp.out[:n])
	clear(sp.timers[:n])
	clear(sp.links[:n])
	clear(sp.urls[:n])
	if cap(sp.out) <= maxScratchItems {
		scratchPages.Put(sp)
	}
}

// renderOne is render of one item, for a fetch or an update: the model
// and all it points to in one allocation, its URLs in another.
func (p resourcePaths) renderOne(uc store.UserConversation) *conversations.UserConversation {
	one := &struct {
		model  conversations.UserConversation
		item   store.UserConversation
		timers conversations.ConversationTimers
		links  conversations.UserConversationLinks
		urls   [3]string
	}{item: uc}
	prefix := p.prefix()
	var b strings.Builder
	b.Grow(3*len(prefix) + 256)
	ends := writeURLs(&b, prefix, &one.item)
	all, start := b.String(), 0
	for k, end := range ends {
		one.urls[k], start = all[start:end], end
	}
	fill(&one.model, &one.item, &one.timers, &one.links, &one.urls)
	return &one.model
}

// writeURLs writes uc's three URLs to b, the conversation's, its own and
// the participant's, and returns where each ends.
func writeURLs(b *strings.Builder, prefix string, uc *store.UserConversation) (ends [3]int) {
	b.WriteString(prefix)
	b.WriteString("/Conversations/")
	b.WriteString(uc.ConversationSID)
	ends[0] = b.Len()
	b.WriteString(prefix)
	b.WriteString("/Users/")
	b.WriteString(url.PathEscape(uc.UserSID))
	b.WriteString("/Conversations/")
	b.WriteString(uc.ConversationSID)
	ends[1] = b.Len()
	b.WriteString(prefix)
	b.WriteString("/Conversations/")
	b.WriteString(uc.ConversationSID)
	b.WriteString("/Participants/")
	b.WriteString(uc.ParticipantSID)
	ends[2] = b.Len()
	return ends
}

// fill makes out the model of uc, pointing into uc, timers, links and
// urls (as writeURLs orders them).
func fill(out *conversations.UserConversation, uc *store.UserConversation, timers *conversations.ConversationTimers,
	links *conversations.UserConversationLinks, urls *[3]string) {
	*timers = conversations.ConversationTimers{DateInactive: uc.Timers.DateInactive, DateClosed: uc.Timers.DateClosed}
	*links = conversations.UserConversationLinks{Conversation: &urls[0], Participant: &urls[2]}
	*out = conversations.UserConversation{
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
		Timers:               timers,
		Url:                  &urls[1],
		Links:                links,
	}
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
