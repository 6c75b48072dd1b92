package twilioapi

import (
	"net/url"
	"strconv"
	"sync"
	"unsafe"

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

func (h *handlers) pathsFor(c echo.Context, service string) (resourcePaths, error) {
	base, err := h.base.Of(c)
	if err != nil {
		return resourcePaths{}, err
	}
	return resourcePaths{base: base, service: service}, nil
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

// render returns items as the API's models, pointing into items and into
// sp, whose release gives them back once the answer is written. The URLs
// of all of them are written into one buffer of sp and sliced from it: a
// page costs no allocation once its scratch page has served a page as
// large.
func (p resourcePaths) render(items []store.UserConversation, sp *scratchPage) []conversations.UserConversation {
	sp.grow(len(items))
	out := sp.out[:len(items)]
	if out == nil {
		out = []conversations.UserConversation{} // an empty page is [], not null
	}
	if len(items) > 0 {
		prefix := p.prefix()
		b := sp.urls[:0]
		ends := sp.ends[:len(items)]
		// A page is one user's: their SID is escaped once, not per item.
		user, escaped := "", ""
		for i := range items {
			if items[i].UserSID != user {
				user, escaped = items[i].UserSID, url.PathEscape(items[i].UserSID)
			}
			b, ends[i] = appendURLs(b, prefix, escaped, &items[i])
		}
		sp.urls = b
		// The URLs are strings over sp.urls, which the next page that
		// takes sp writes over: nothing may keep them past release, and
		// nothing does (the models are encoded, then cleared).
		all, start := unsafe.String(unsafe.SliceData(b), len(b)), 0
		for i := range items {
			start = splitURLs(all, start, ends[i], &sp.urlStrings[i])
			fill(&out[i], &items[i], &sp.timers[i], &sp.links[i], &sp.urlStrings[i])
		}
	}
	return out
}

// scratchPage is the memory a list page is read and rendered into, kept
// for the next page: the store's items, the models, their timers, links
// and URLs.
type scratchPage struct {
	items      []store.UserConversation
	out        []conversations.UserConversation
	timers     []conversations.ConversationTimers
	links      []conversations.UserConversationLinks
	urlStrings [][3]string
	ends       [][3]int
	urls       []byte
	used       int // of the models and what they point to
	read       int // of items: up to the page size and one more
}

// maxScratchItems bounds what a pooled page keeps: the spec's largest
// PageSize.
const maxScratchItems = 1000

var scratchPages = sync.Pool{New: func() any { return new(scratchPage) }}

// getScratchPage returns a scratch page for a page of up to size items.
func getScratchPage(size int) *scratchPage {
	sp := scratchPages.Get().(*scratchPage)
	// A store may read one item more than the page holds.
	sp.read = min(size+1, maxScratchItems+1)
	if cap(sp.items) < sp.read {
		sp.items = make([]store.UserConversation, 0, sp.read)
	}
	return sp
}

// keepItems keeps the array a store read the page into, when it grew
// the one it was given.
func (sp *scratchPage) keepItems(items []store.UserConversation) {
	if cap(items) > cap(sp.items) && cap(items) <= maxScratchItems+1 {
		sp.items = items[:0]
		sp.read = min(len(items)+1, cap(items))
	}
}

func (sp *scratchPage) grow(n int) {
	if cap(sp.out) < n {
		sp.out = make([]conversations.UserConversation, n)
		sp.timers = make([]conversations.ConversationTimers, n)
		sp.links = make([]conversations.UserConversationLinks, n)
		sp.urlStrings = make([][3]string, n)
		sp.ends = make([][3]int, n)
	}
	sp.used = n
}

// release clears what the page points to, for the collector, and pools
// it.
func (sp *scratchPage) release() {
	n := sp.used
	clear(sp.items[:sp.read])
	clear(sp.out[:n])
	clear(sp.timers[:n])
	clear(sp.links[:n])
	clear(sp.urlStrings[:n])
	sp.used, sp.read = 0, 0
	if cap(sp.out) <= maxScratchItems && cap(sp.urls) <= maxScratchURLBytes {
		scratchPages.Put(sp)
	}
}

// maxScratchURLBytes bounds the URL buffer a pooled page keeps: a page of
// maxScratchItems with long URLs.
const maxScratchURLBytes = 1 << 20

// renderOne is render of one item, for a fetch or an update: the model,
// all it points to and its URLs in one allocation (the URLs in another
// when they outgrow urlRoom: a long public URL or identity).
func (p resourcePaths) renderOne(uc store.UserConversation) *conversations.UserConversation {
	one := &struct {
		model   conversations.UserConversation
		item    store.UserConversation
		timers  conversations.ConversationTimers
		links   conversations.UserConversationLinks
		urls    [3]string
		urlRoom [384]byte
	}{item: uc}
	prefix := p.prefix()
	b, ends := appendURLs(one.urlRoom[:0], prefix, url.PathEscape(uc.UserSID), &one.item)
	// b is never written again: the strings may share it.
	splitURLs(unsafe.String(unsafe.SliceData(b), len(b)), 0, ends, &one.urls)
	fill(&one.model, &one.item, &one.timers, &one.links, &one.urls)
	return &one.model
}

// appendURLs appends uc's three URLs to b, the conversation's, its own
// and the participant's, and returns where each ends; user is uc's User
// SID, escaped for a path.
func appendURLs(b []byte, prefix, user string, uc *store.UserConversation) (_ []byte, ends [3]int) {
	b = append(b, prefix...)
	b = append(b, "/Conversations/"...)
	b = append(b, uc.ConversationSID...)
	ends[0] = len(b)
	b = append(b, prefix...)
	b = append(b, "/Users/"...)
	b = append(b, user...)
	b = append(b, "/Conversations/"...)
	b = append(b, uc.ConversationSID...)
	ends[1] = len(b)
	b = append(b, prefix...)
	b = append(b, "/Conversations/"...)
	b = append(b, uc.ConversationSID...)
	b = append(b, "/Participants/"...)
	b = append(b, uc.ParticipantSID...)
	ends[2] = len(b)
	return b, ends
}

// splitURLs slices the three URLs appendURLs wrote into urls, from start
// in all, and returns where the next item's begin.
func splitURLs(all string, start int, ends [3]int, urls *[3]string) int {
	for k, end := range ends {
		urls[k], start = all[start:end], end
	}
	return start
}

// fill makes out the model of uc, pointing into uc, timers, links and
// urls (as appendURLs orders them).
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
