package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/twilio-stubs/userconversations/server/internal/testkit"
	"github.com/twilio-stubs/userconversations/server/store"
)

// BenchConversations is how many conversations the benchmarks' user has.
const BenchConversations = 10_000

// Bench measures the operations the API serves on a store holding
// testkit.ManyWorld(BenchConversations): fetch, update, and a page of 50 at
// the start and at the end of the user's list; and Load of that world. The end is reached after a
// position and before one, as page tokens do, and at an offset, as the
// Page parameter does. newStore returns an empty store.
func Bench(b *testing.B, newStore func(b *testing.B) store.Store) {
	ctx := context.Background()
	s := newStore(b)
	if err := s.Load(ctx, testkit.ManyWorld(BenchConversations)); err != nil {
		b.Fatalf("Load: %v", err)
	}
	scope := store.Scope{Account: testkit.AccountA}
	sid := func(i int) string { return testkit.SID("CH", 0x10000+i) }
	position := func(i int) *store.Position {
		return &store.Position{DateCreated: testkit.Epoch.Add(time.Duration(i) * time.Second), ConversationSID: sid(i)}
	}
	const pageSize, last = 50, BenchConversations - 50
	for _, bm := range []struct {
		name  string
		q     store.ListQuery
		first int // the page's first item
	}{
		{"ListFirstPage", store.ListQuery{Limit: pageSize}, 0},
		{"ListLastPage/after", store.ListQuery{Limit: pageSize, After: position(last - 1)}, last},
		{"ListLastPage/before", store.ListQuery{Limit: pageSize, Before: position(BenchConversations)}, last},
		{"ListLastPage/offset", store.ListQuery{Limit: pageSize, Offset: last}, last},
	} {
		b.Run(bm.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				page, err := s.ListUserConversations(ctx, scope, "many", bm.q)
				if err != nil || len(page.Items) != pageSize || page.Items[0].ConversationSID != sid(bm.first) {
					b.Fatalf("List: %d items, %v", len(page.Items), err)
				}
			}
		})
	}
	b.Run("Fetch", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := s.FetchUserConversation(ctx, scope, "many", sid(BenchConversations/2)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Load", func(b *testing.B) {
		w := testkit.ManyWorld(BenchConversations)
		b.ReportAllocs()
		for b.Loop() {
			if err := s.Load(ctx, w); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Update", func(b *testing.B) {
		u := store.Update{SetReadIndex: true, LastReadMessageIndex: new(3)}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := s.UpdateUserConversation(ctx, scope, "many", sid(BenchConversations/2), u); err != nil {
				b.Fatal(err)
			}
		}
	})
}
