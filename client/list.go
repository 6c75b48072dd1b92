package client

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/url"

	"github.com/twilio-stubs/userconversations/gen/conversations"
)

// defaultPageSize is the page size Twilio's libraries ask for when the
// caller names none.
const defaultPageSize = 50

// ListParams tunes List.
type ListParams struct {
	// PageSize is how many conversations to ask for per page; 0 means 50.
	// Twilio allows up to 1000.
	PageSize int
	// Limit stops the listing after this many conversations; 0 means all.
	// With a Limit below PageSize the page size is lowered to Limit, and no
	// page is fetched once Limit conversations have been yielded.
	Limit int
}

// List yields the user's conversations in the server's order, fetching
// pages as the loop needs them: the first with ListParams.PageSize, each
// next one from the previous page's meta.next_page_url exactly as given,
// until that is null or Limit conversations were yielded.
//
// A failure is yielded once, with a zero UserConversation, and ends the
// sequence:
//
//	for conv, err := range c.User("alice").List(ctx, client.ListParams{}) {
//		if err != nil {
//			return err
//		}
//		fmt.Println(*conv.ConversationSid)
//	}
func (u UserConversations) List(ctx context.Context, p ListParams) iter.Seq2[UserConversation, error] {
	return func(yield func(UserConversation, error) bool) {
		if p.Limit < 0 {
			yield(UserConversation{}, errors.New("client: ListParams.Limit must not be negative"))
			return
		}
		size := p.PageSize
		if size == 0 {
			size = defaultPageSize
		}
		if p.Limit > 0 {
			size = min(size, p.Limit)
		}
		page, err := u.page(ctx, PageParams{PageSize: size})
		yielded := 0
		for {
			if err != nil {
				yield(UserConversation{}, err)
				return
			}
			for _, conv := range page.Conversations {
				if !yield(conv, nil) {
					return
				}
				if yielded++; yielded == p.Limit {
					return
				}
			}
			next := page.Meta.NextPageUrl
			if next == nil || *next == "" {
				return
			}
			page, err = u.c.getPage(ctx, *next)
		}
	}
}

// PageParams selects one page for Page.
type PageParams struct {
	// PageSize is how many conversations the page holds; 0 leaves it to the
	// server (50).
	PageSize int
	// PageToken is the token Page returned for the next page; empty for the
	// first page.
	PageToken string
	// Page is the page's index, which Twilio keeps only as client state
	// and echoes in meta.page; nil to leave it out.
	Page *int
}

// Page fetches a single page, for callers that keep their own cursor (an
// API that pages its own clients, say). It returns the page and the token
// of the next one, taken from meta.next_page_url's PageToken; the token is
// empty on the last page.
func (u UserConversations) Page(ctx context.Context, p PageParams) (*UserConversationPage, string, error) {
	page, err := u.page(ctx, p)
	if err != nil {
		return nil, "", err
	}
	token, err := nextPageToken(page.Meta.NextPageUrl)
	if err != nil {
		return nil, "", err
	}
	return page, token, nil
}

// page fetches one page through the generated client.
func (u UserConversations) page(ctx context.Context, p PageParams) (*UserConversationPage, error) {
	if err := u.checkUser(); err != nil {
		return nil, err
	}
	if p.PageSize < 0 || (p.Page != nil && *p.Page < 0) {
		return nil, errors.New("client: PageParams.PageSize and Page must not be negative")
	}
	var params conversations.ListUserConversationParams
	if p.PageSize > 0 {
		params.PageSize = new(int64(p.PageSize))
	}
	if p.Page != nil {
		params.Page = new(*p.Page)
	}
	if p.PageToken != "" {
		params.PageToken = new(p.PageToken)
	}
	if !u.inService {
		rsp, err := u.c.gen.ListUserConversation(ctx, u.user, &params)
		return decode(rsp, err, conversations.ParseListUserConversationResponse)
	}
	serviceParams := conversations.ListServiceUserConversationParams(params)
	rsp, err := u.c.gen.ListServiceUserConversation(ctx, u.service, u.user, &serviceParams)
	return decode(rsp, err, conversations.ParseListServiceUserConversationResponse)
}

// nextPageToken returns the PageToken of a next_page_url, or "" when there
// is no next page.
func nextPageToken(next *string) (string, error) {
	if next == nil || *next == "" {
		return "", nil
	}
	u, err := url.Parse(*next)
	if err != nil {
		return "", fmt.Errorf("client: next_page_url %q: %w", *next, err)
	}
	token := u.Query().Get("PageToken")
	if token == "" {
		return "", fmt.Errorf("client: next_page_url %q carries no PageToken", *next)
	}
	return token, nil
}
