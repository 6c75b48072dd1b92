package memory

import (
	"context"
	"slices"

	"github.com/twilio-stubs/userconversations/server/store"
)

// ListUserConversations returns one page of the user's conversations. A
// position-based page (After, Before) is found by binary search, an Offset
// page by indexing, so no page walks the items before it.
func (s *Store) ListUserConversations(_ context.Context, scope store.Scope, user string, q store.ListQuery) (store.Page, error) {
	if err := q.Validate(); err != nil {
		return store.Page{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	svc, u, err := s.w.resolveUserIn(scope, user)
	if err != nil {
		return store.Page{}, err
	}
	n := len(u.parts)
	var start, end int
	switch {
	case q.After != nil:
		start = u.after(*q.After)
		end = min(start+q.Limit, n)
	case q.Before != nil:
		end = u.atOrAfter(*q.Before)
		start = max(end-q.Limit, 0)
	default:
		start = min(q.Offset, n)
		end = min(start+q.Limit, n)
	}
	page := store.Page{
		UserSID: u.sid,
		// For an empty page start == end: the requested point.
		HasMore:    end < n,
		HasEarlier: start > 0,
	}
	if start < end {
		page.Items = slices.Grow(q.Items[:0], end-start)
	}
	cells := newCells(end - start)
	for _, p := range u.parts[start:end] {
		page.Items = append(page.Items, svc.view(p, cells))
	}
	return page, nil
}
