package server

import (
	"github.com/twilio-stubs/userconversations/gen/conversationsserver"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/oapi-codegen/runtime"

	"github.com/twilio-stubs/userconversations/gen/conversations"
	"github.com/twilio-stubs/userconversations/server/store"
)

var _ conversationsserver.ServerInterface = (*Server)(nil)

const defaultPageSize = 50

// The default-service operations and the named-service ones share one
// implementation each; the service SID is "" for the default service.

func (s *Server) ListUserConversation(c echo.Context, user string, params conversations.ListUserConversationParams) error {
	return s.list(c, "", user, listParams(params))
}

func (s *Server) ListServiceUserConversation(c echo.Context, service, user string, params conversations.ListServiceUserConversationParams) error {
	return s.list(c, service, user, listParams(conversations.ListUserConversationParams(params)))
}

func (s *Server) FetchUserConversation(c echo.Context, user, conversation string) error {
	return s.fetch(c, "", user, conversation)
}

func (s *Server) FetchServiceUserConversation(c echo.Context, service, user, conversation string) error {
	return s.fetch(c, service, user, conversation)
}

func (s *Server) UpdateUserConversation(c echo.Context, user, conversation string) error {
	return s.update(c, "", user, conversation)
}

func (s *Server) UpdateServiceUserConversation(c echo.Context, service, user, conversation string) error {
	return s.update(c, service, user, conversation)
}

func (s *Server) DeleteUserConversation(c echo.Context, user, conversation string) error {
	return s.remove(c, "", user, conversation)
}

func (s *Server) DeleteServiceUserConversation(c echo.Context, service, user, conversation string) error {
	return s.remove(c, service, user, conversation)
}

func scope(c echo.Context, service string) store.Scope {
	return store.Scope{Account: accountOf(c), Service: service}
}

func (s *Server) fetch(c echo.Context, service, user, conversation string) error {
	paths, err := s.pathsFor(c, service)
	if err != nil {
		return err
	}
	uc, err := s.store.FetchUserConversation(c.Request().Context(), scope(c, service), user, conversation)
	if err != nil {
		return err
	}
	return respondUserConversation(c, paths.render(uc))
}

func (s *Server) remove(c echo.Context, service, user, conversation string) error {
	if err := s.store.RemoveUserConversation(c.Request().Context(), scope(c, service), user, conversation); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) update(c echo.Context, service, user, conversation string) error {
	// Before the change: a request refused must change nothing.
	paths, err := s.pathsFor(c, service)
	if err != nil {
		return err
	}
	form, err := c.FormParams()
	if err != nil {
		return NewError(http.StatusBadRequest, "Invalid request body: "+clean(err.Error()))
	}
	var body conversations.UpdateUserConversationRequest
	if err := runtime.BindForm(&body, form, nil, nil); err != nil {
		return NewError(http.StatusBadRequest, "Invalid request body: "+clean(err.Error()))
	}
	change, err := toUpdate(body)
	if err != nil {
		return err
	}
	uc, err := s.store.UpdateUserConversation(c.Request().Context(), scope(c, service), user, conversation, change)
	if err != nil {
		return err
	}
	return respondUserConversation(c, paths.render(uc))
}

// toUpdate reads the form fields the spec has already checked; the
// remaining errors are values the spec's types allow but Go cannot hold.
func toUpdate(body conversations.UpdateUserConversationRequest) (store.Update, error) {
	var u store.Update
	if body.NotificationLevel != nil {
		level := string(*body.NotificationLevel)
		u.NotificationLevel = &level
	}
	if body.LastReadTimestamp != nil {
		t, err := time.Parse(time.RFC3339, *body.LastReadTimestamp)
		if err != nil {
			return u, errInvalidParameter("LastReadTimestamp", "must be an RFC 3339 date-time")
		}
		u.LastReadTimestamp = &t
	}
	if body.LastReadMessageIndex != nil {
		u.SetReadIndex = true
		if *body.LastReadMessageIndex != "" { // empty clears the read horizon
			index, err := strconv.ParseInt(*body.LastReadMessageIndex, 10, 32)
			if err != nil || index < 0 {
				return u, errInvalidParameter("LastReadMessageIndex", "must be an integer from 0 to 2147483647")
			}
			i := int(index)
			u.LastReadMessageIndex = &i
		}
	}
	return u, nil
}

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

func (s *Server) list(c echo.Context, service, user string, q pageQuery) error {
	paths, err := s.pathsFor(c, service)
	if err != nil {
		return err
	}
	tokenScope := accountOf(c) + "/" + service
	query := store.ListQuery{Limit: q.size}
	var token pageToken
	if q.hasToken {
		// An empty PageToken is refused like an empty PageSize or Page
		// (OpenAPI's allowEmptyValue is false), not read as "no token".
		if q.token == "" {
			return errInvalidParameter("PageToken", "empty value is not allowed")
		}
		if token, err = s.tokens.decode(tokenScope, q.token); err != nil {
			return errInvalidParameter("PageToken", "not a page token of this list")
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
	page, err := s.store.ListUserConversations(c.Request().Context(), scope(c, service), user, query)
	if err != nil {
		return err
	}
	if q.hasToken && token.userSID != page.UserSID {
		return errInvalidParameter("PageToken", "not a page token of this list")
	}

	out := conversations.UserConversationPage{
		Conversations: make([]conversations.UserConversation, len(page.Items)),
		Meta: conversations.PageMeta{
			Key:          conversations.PageMetaKeyConversations,
			Page:         q.page,
			PageSize:     q.size,
			FirstPageUrl: paths.pageURL(page.UserSID, q.size, 0, ""),
			Url:          paths.pageURL(page.UserSID, q.size, q.page, q.token),
		},
	}
	for i, uc := range page.Items {
		out.Conversations[i] = paths.render(uc)
	}
	if n := len(page.Items); n > 0 {
		if page.HasMore {
			next := s.tokens.encode(tokenScope, pageToken{pos: store.PositionOf(page.Items[n-1]), userSID: page.UserSID})
			u := paths.pageURL(page.UserSID, q.size, q.page+1, next)
			out.Meta.NextPageUrl = &u
		}
		if page.HasEarlier {
			prev := s.tokens.encode(tokenScope, pageToken{before: true, pos: store.PositionOf(page.Items[0]), userSID: page.UserSID})
			u := paths.pageURL(page.UserSID, q.size, max(q.page-1, 0), prev)
			out.Meta.PreviousPageUrl = &u
		}
	}
	return respondPage(c, &out)
}
