package storetest

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/twilio-stubs/userconversations/server/internal/testkit"
	"github.com/twilio-stubs/userconversations/server/store"
)

var (
	listScope = store.Scope{Account: acA}
	farFuture = store.Position{DateCreated: time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)}
)

// listOrder returns the positions of the user's conversations in w, in the
// order the list must give them.
func listOrder(w store.World, userSID string) []store.Position {
	var ps []store.Position
	for _, a := range w.Accounts {
		for _, s := range a.Services {
			for _, c := range s.Conversations {
				for _, p := range c.Participants {
					if p.UserSID == userSID {
						ps = append(ps, store.Position{DateCreated: c.DateCreated, ConversationSID: c.SID})
					}
				}
			}
		}
	}
	slices.SortFunc(ps, store.Position.Compare)
	return ps
}

func conversationSIDs[T any](items []T, sidOf func(T) string) []string {
	out := make([]string, 0, len(items))
	for _, it := range items {
		out = append(out, sidOf(it))
	}
	return out
}

func itemSID(uc store.UserConversation) string { return uc.ConversationSID }
func positionSID(p store.Position) string      { return p.ConversationSID }

// list returns a page and checks what must hold of any page: it belongs to
// the user and is strictly in list order.
func list(t *testing.T, s store.Store, user string, q store.ListQuery) store.Page {
	t.Helper()
	page, err := s.ListUserConversations(context.Background(), listScope, user, q)
	if err != nil {
		t.Fatalf("List(%q, %+v): %v", user, q, err)
	}
	checkPage(t, page)
	return page
}

// checkPage reports a page out of order, with a duplicate, or with an item
// of another user. It uses only t.Errorf, so goroutines may call it.
func checkPage(t *testing.T, page store.Page) {
	t.Helper()
	for i, item := range page.Items {
		if item.UserSID != page.UserSID {
			t.Errorf("item %d has UserSID %s, page has %s", i, item.UserSID, page.UserSID)
		}
		if i > 0 && !store.PositionOf(page.Items[i-1]).Before(store.PositionOf(item)) {
			t.Errorf("page not strictly in list order at item %d: %v", i, conversationSIDs(page.Items, itemSID))
		}
	}
}

func equalSIDs(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s:\ngot  %v\nwant %v", what, got, want)
	}
}

var pageSizes = []int{1, 2, 5, 7, 22, listSize, 50}

func testListPagesForward(t *testing.T, newStore newStoreFunc) {
	s := loaded(t, newStore, listWorld())
	want := conversationSIDs(listOrder(listWorld(), usLister), positionSID)
	for _, limit := range pageSizes {
		t.Run(fmt.Sprintf("limit %d", limit), func(t *testing.T) {
			var got []string
			q := store.ListQuery{Limit: limit}
			for range listSize + 1 {
				page := list(t, s, "lister", q)
				if len(page.Items) != min(limit, listSize-len(got)) {
					t.Fatalf("page after %d items has %d items", len(got), len(page.Items))
				}
				if page.HasEarlier != (len(got) > 0) {
					t.Errorf("page after %d items: HasEarlier = %v", len(got), page.HasEarlier)
				}
				got = append(got, conversationSIDs(page.Items, itemSID)...)
				if page.HasMore != (len(got) < listSize) {
					t.Errorf("page ending at %d items: HasMore = %v", len(got), page.HasMore)
				}
				if !page.HasMore {
					break
				}
				last := store.PositionOf(page.Items[len(page.Items)-1])
				q = store.ListQuery{Limit: limit, After: &last}
			}
			equalSIDs(t, "conversations over all pages", got, want)
		})
	}
}

func testListPagesBackward(t *testing.T, newStore newStoreFunc) {
	s := loaded(t, newStore, listWorld())
	want := conversationSIDs(listOrder(listWorld(), usLister), positionSID)
	for _, limit := range pageSizes {
		t.Run(fmt.Sprintf("limit %d", limit), func(t *testing.T) {
			var got []string
			q := store.ListQuery{Limit: limit, Before: &farFuture}
			for range listSize + 1 {
				page := list(t, s, "lister", q)
				if len(page.Items) != min(limit, listSize-len(got)) {
					t.Fatalf("page before the last %d items has %d items", len(got), len(page.Items))
				}
				if page.HasMore != (len(got) > 0) {
					t.Errorf("page before the last %d items: HasMore = %v", len(got), page.HasMore)
				}
				got = append(conversationSIDs(page.Items, itemSID), got...)
				if page.HasEarlier != (len(got) < listSize) {
					t.Errorf("page starting %d items from the end: HasEarlier = %v", len(got), page.HasEarlier)
				}
				if !page.HasEarlier {
					break
				}
				first := store.PositionOf(page.Items[0])
				q = store.ListQuery{Limit: limit, Before: &first}
			}
			equalSIDs(t, "conversations over all pages", got, want)
		})
	}
}

func testListPagesByOffset(t *testing.T, newStore newStoreFunc) {
	s := loaded(t, newStore, listWorld())
	want := conversationSIDs(listOrder(listWorld(), usLister), positionSID)
	for _, limit := range pageSizes {
		t.Run(fmt.Sprintf("limit %d", limit), func(t *testing.T) {
			var got []string
			for offset := 0; offset < listSize; offset += limit {
				page := list(t, s, "lister", store.ListQuery{Limit: limit, Offset: offset})
				got = append(got, conversationSIDs(page.Items, itemSID)...)
				if page.HasEarlier != (offset > 0) || page.HasMore != (offset+limit < listSize) {
					t.Errorf("page at offset %d: HasEarlier = %v, HasMore = %v", offset, page.HasEarlier, page.HasMore)
				}
			}
			equalSIDs(t, "conversations over all pages", got, want)
		})
	}
}

func testListEdges(t *testing.T, newStore newStoreFunc) {
	s := loaded(t, newStore, listWorld())
	order := listOrder(listWorld(), usLister)
	sids := conversationSIDs(order, positionSID)
	// order[3:6] share a creation date: a position with that date and an
	// SID before (after) every SID stands between order[2] and order[3]
	// (order[5] and order[6]).
	if !order[3].DateCreated.Equal(order[5].DateCreated) || order[2].DateCreated.Equal(order[3].DateCreated) {
		t.Fatalf("listWorld no longer ties order[3:6]")
	}
	between2and3 := store.Position{DateCreated: order[3].DateCreated}
	between5and6 := store.Position{DateCreated: order[3].DateCreated, ConversationSID: "CI"}
	var zero store.Position
	tests := []struct {
		name                string
		user                string
		q                   store.ListQuery
		from, to            int // want sids[from:to]
		hasMore, hasEarlier bool
	}{
		{"first page", "lister", store.ListQuery{Limit: 5}, 0, 5, true, false},
		{"whole list in one page", "lister", store.ListQuery{Limit: 100}, 0, listSize, false, false},
		{"last page by offset", "lister", store.ListQuery{Limit: 5, Offset: 20}, 20, 23, false, true},
		{"offset at the end", "lister", store.ListQuery{Limit: 5, Offset: listSize}, 23, 23, false, true},
		{"offset past the end", "lister", store.ListQuery{Limit: 5, Offset: 100}, 23, 23, false, true},
		{"after the zero position", "lister", store.ListQuery{Limit: 5, After: &zero}, 0, 5, true, false},
		{"after the next-to-last", "lister", store.ListQuery{Limit: 5, After: &order[21]}, 22, 23, false, true},
		{"after the last", "lister", store.ListQuery{Limit: 5, After: &order[22]}, 23, 23, false, true},
		{"after the far future", "lister", store.ListQuery{Limit: 5, After: &farFuture}, 23, 23, false, true},
		{"after a position between items", "lister", store.ListQuery{Limit: 5, After: &between2and3}, 3, 8, true, true},
		{"after another position between items", "lister", store.ListQuery{Limit: 2, After: &between5and6}, 6, 8, true, true},
		{"before the far future", "lister", store.ListQuery{Limit: 5, Before: &farFuture}, 18, 23, false, true},
		{"before an inner item", "lister", store.ListQuery{Limit: 5, Before: &order[10]}, 5, 10, true, true},
		{"before the second", "lister", store.ListQuery{Limit: 5, Before: &order[1]}, 0, 1, true, false},
		{"before the first", "lister", store.ListQuery{Limit: 5, Before: &order[0]}, 0, 0, true, false},
		{"before the zero position", "lister", store.ListQuery{Limit: 5, Before: &zero}, 0, 0, true, false},
		{"before a position between items", "lister", store.ListQuery{Limit: 2, Before: &between2and3}, 1, 3, true, true},
		{"before another position between items", "lister", store.ListQuery{Limit: 5, Before: &between5and6}, 1, 6, true, true},
		{"empty list", "idle", store.ListQuery{Limit: 5}, 0, 0, false, false},
		{"empty list after", "idle", store.ListQuery{Limit: 5, After: &zero}, 0, 0, false, false},
		{"empty list before", "idle", store.ListQuery{Limit: 5, Before: &farFuture}, 0, 0, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page := list(t, s, tt.user, tt.q)
			equalSIDs(t, "page", conversationSIDs(page.Items, itemSID), sids[tt.from:tt.to])
			if page.HasMore != tt.hasMore || page.HasEarlier != tt.hasEarlier {
				t.Errorf("HasMore = %v, HasEarlier = %v; want %v, %v", page.HasMore, page.HasEarlier, tt.hasMore, tt.hasEarlier)
			}
		})
	}
}

// testListItems checks a listed item is what Fetch gives, and the page names
// the resolved user however it was addressed.
func testListItems(t *testing.T, newStore newStoreFunc) {
	s := loaded(t, newStore, fixtureWorld())
	for _, tt := range []struct {
		scope store.Scope
		user  string
		sid   string
		want  []string
	}{
		{scopeA, "ana", usAna, []string{chBusy, chGeneral, chEmpty, chRecent}},
		{scopeA, usAna, usAna, []string{chBusy, chGeneral, chEmpty, chRecent}},
		{scopeA, "ana maria", usAnaMaria, []string{chGeneral, chOthers}},
		{scopeA, "Zoë", usZoe, []string{chGeneral}},
		{scopeA, "bob", usBob, nil},
		{scopeA2, "ana", usAnaA2, []string{chA2}},
		{scopeB, "ana", usAnaB, []string{chB}},
	} {
		t.Run(fmt.Sprintf("%s in %s", tt.user, tt.scope.Service), func(t *testing.T) {
			page, err := s.ListUserConversations(context.Background(), tt.scope, tt.user, store.ListQuery{Limit: 50})
			if err != nil {
				t.Fatalf("List: %v", err)
			}
			checkPage(t, page)
			if page.UserSID != tt.sid {
				t.Errorf("UserSID = %s, want %s", page.UserSID, tt.sid)
			}
			equalSIDs(t, "conversations", conversationSIDs(page.Items, itemSID), tt.want)
			for _, item := range page.Items {
				equalView(t, "listed item", item, fetch(t, s, tt.scope, tt.user, item.ConversationSID))
			}
		})
	}
}

func testListNotFound(t *testing.T, newStore newStoreFunc) {
	s := loaded(t, newStore, fixtureWorld())
	for _, tt := range []struct {
		name  string
		scope store.Scope
		user  string
	}{
		{"unknown account", store.Scope{Account: testkit.SID("AC", 0xF)}, "ana"},
		{"account without services", store.Scope{Account: acC}, "ana"},
		{"other account's service", store.Scope{Account: acA, Service: isB1}, "ana"},
		{"other account's user", scopeA, usAnaB},
		{"other service's user", scopeA, usAnaA2},
		{"unknown identity", scopeA, "nobody"},
		{"unknown user SID", scopeA, testkit.SID("US", 0xF)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.ListUserConversations(context.Background(), tt.scope, tt.user, store.ListQuery{Limit: 5})
			wantErr(t, "List", err, store.ErrNotFound)
		})
	}
}

func testListInvalidQuery(t *testing.T, newStore newStoreFunc) {
	s := loaded(t, newStore, listWorld())
	first := listOrder(listWorld(), usLister)[0]
	for _, tt := range []struct {
		name string
		q    store.ListQuery
	}{
		{"zero limit", store.ListQuery{}},
		{"negative limit", store.ListQuery{Limit: -1}},
		{"negative offset", store.ListQuery{Limit: 5, Offset: -1}},
		{"both after and before", store.ListQuery{Limit: 5, After: &first, Before: &farFuture}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.ListUserConversations(context.Background(), listScope, "lister", tt.q)
			wantErr(t, "List", err, store.ErrInvalidQuery)
		})
	}
}

// testListRemoveBetweenPages removes the page's anchor, an item already
// seen and one not yet seen between two pages: the walk must yield every
// remaining item exactly once.
func testListRemoveBetweenPages(t *testing.T, newStore newStoreFunc) {
	order := conversationSIDs(listOrder(listWorld(), usLister), positionSID)
	tests := []struct {
		name    string
		forward bool
		remove  []int // indexes in order, removed after the first page
		unseen  int   // the one of them the walk has not reached yet
	}{
		{"forward", true, []int{4, 2, 7}, 7},
		{"backward", false, []int{18, 20, 15}, 15},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := loaded(t, newStore, listWorld())
			const limit = 5
			q := store.ListQuery{Limit: limit, Before: &farFuture}
			if tt.forward {
				q = store.ListQuery{Limit: limit}
			}
			var got []string
			for pages := 0; pages <= listSize; pages++ {
				page := list(t, s, "lister", q)
				if tt.forward {
					got = append(got, conversationSIDs(page.Items, itemSID)...)
				} else {
					got = append(conversationSIDs(page.Items, itemSID), got...)
				}
				if pages == 0 {
					for _, i := range tt.remove {
						if err := s.RemoveUserConversation(context.Background(), listScope, "lister", order[i]); err != nil {
							t.Fatalf("Remove: %v", err)
						}
					}
				}
				if tt.forward && page.HasMore {
					last := store.PositionOf(page.Items[len(page.Items)-1])
					q = store.ListQuery{Limit: limit, After: &last}
				} else if !tt.forward && page.HasEarlier {
					first := store.PositionOf(page.Items[0])
					q = store.ListQuery{Limit: limit, Before: &first}
				} else {
					break
				}
			}
			want := slices.Delete(slices.Clone(order), tt.unseen, tt.unseen+1)
			equalSIDs(t, "conversations over all pages", got, want)
		})
	}
}

// A page read into the caller's memory (ListQuery.Items) is the page read
// without it, whatever the memory held, forward, backward and by offset;
// it is written from the start of that memory when it is large enough,
// and grown when it is not.
func testListIntoItems(t *testing.T, newStore newStoreFunc) {
	s := loaded(t, newStore, listWorld())
	junk := store.UserConversation{ConversationSID: "CHjunk", UserSID: "USjunk"}
	mid := store.PositionOf(list(t, s, "lister", store.ListQuery{Limit: 3}).Items[2])
	for name, q := range map[string]store.ListQuery{
		"first":  {Limit: 3},
		"after":  {Limit: 3, After: &mid},
		"before": {Limit: 2, Before: &mid},
		"offset": {Limit: 4, Offset: 2},
	} {
		t.Run(name, func(t *testing.T) {
			want := list(t, s, "lister", q)
			for _, size := range []int{1, q.Limit + 1, 10} {
				buf := slices.Repeat([]store.UserConversation{junk}, size)
				q := q
				q.Items = buf
				got := list(t, s, "lister", q)
				if !reflect.DeepEqual(got, want) {
					t.Errorf("into %d items: %+v\nwant %+v", size, got, want)
				}
				if size > q.Limit && len(got.Items) > 0 && &got.Items[0] != &buf[0] {
					t.Errorf("into %d items: the page is not in the memory given", size)
				}
			}
		})
	}
}
