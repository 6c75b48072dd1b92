package twilioapi

import (
	"math"

	"github.com/labstack/echo/v4"

	"github.com/twilio-stubs/userconversations/gen/conversations"
	"github.com/twilio-stubs/userconversations/server/internal/httpmw"
	"github.com/twilio-stubs/userconversations/server/internal/twilioerr"
	"github.com/twilio-stubs/userconversations/server/store"
)

// defaultPageSize is PageSize's default in the spec.
const defaultPageSize = 50

type pageQuery struct {
	size, page int
	token      string
	hasToken   bool // PageToken was sent, possibly empty
}

func listParams(p conversations.ListUserConversationParams) pageQuery {
	q := pageQuery{size: defaultPageSize}
	if p.PageSize != nil {
		q.size = int(*p.PageSize)
	}
	if p.Page != nil {
		q.page = int(min(*p.Page, math.MaxInt32))
	}
	if p.PageToken != nil {
		q.token, q.hasToken = *p.PageToken, true
	}
	return q
}

func (h *handlers) list(c echo.Context, service, user string, params conversations.ListUserConversationParams) error {
	q := listParams(params)
	paths, err := h.pathsFor(c, service)
	if err != nil {
		return err
	}
	tokenScope := httpmw.Account(c) + "/" + service
	query := store.ListQuery{Limit: q.size}
	var token pageToken
	if q.hasToken {
		// An empty PageToken is refused like an empty PageSize or Page
		// (OpenAPI's allowEmptyValue is false), not read as "no token".
		if q.token == "" {
			return twilioerr.InvalidParameter("PageToken", "empty value is not allowed")
		}
		if token, err = h.tokens.decode(tokenScope, q.token); err != nil {
			return twilioerr.InvalidParameter("PageToken", "not a page token of this list")
		}
		if token.before {
			query.Before = &token.pos
		} else {
			query.After = &token.pos
		}
	} else {
		// Without a token, Page counts pages from the start.
		query.Offset = int(min(int64(q.page)*int64(q.size), math.MaxInt32))
	}
	// The page is read into, and rendered from, memory kept for the next.
	scratch := getScratchPage(q.size)
	defer scratch.release()
	query.Items = scratch.items
	page, err := h.store.ListUserConversations(c.Request().Context(), scope(c, service), user, query)
	if err != nil {
		return err
	}
	scratch.keepItems(page.Items)
	if q.hasToken && token.userSID != page.UserSID {
		return twilioerr.InvalidParameter("PageToken", "not a page token of this list")
	}

	models := paths.render(page.Items, scratch)
	out := conversations.UserConversationPage{
		Conversations: models,
		Meta: conversations.PageMeta{
			Key:          conversations.PageMetaKeyConversations,
			Page:         q.page,
			PageSize:     q.size,
			FirstPageUrl: paths.pageURL(page.UserSID, q.size, 0, ""),
			Url:          paths.pageURL(page.UserSID, q.size, q.page, q.token),
		},
	}
	if n := len(page.Items); n > 0 {
		if page.HasMore {
			next := h.tokens.encode(tokenScope, pageToken{pos: store.PositionOf(page.Items[n-1]), userSID: page.UserSID})
			u := paths.pageURL(page.UserSID, q.size, q.page+1, next)
			out.Meta.NextPageUrl = &u
		}
		if page.HasEarlier {
			prev := h.tokens.encode(tokenScope, pageToken{before: true, pos: store.PositionOf(page.Items[0]), userSID: page.UserSID})
			u := paths.pageURL(page.UserSID, q.size, max(q.page-1, 0), prev)
			out.Meta.PreviousPageUrl = &u
		}
	} else if page.HasEarlier {
		// An empty page past the end: the page before it is the list's
		// last one.
		prev := h.tokens.encode(tokenScope, pageToken{before: true, pos: store.EndOfList, userSID: page.UserSID})
		u := paths.pageURL(page.UserSID, q.size, max(q.page-1, 0), prev)
		out.Meta.PreviousPageUrl = &u
	}
	return respondPage(c, &out)
}
