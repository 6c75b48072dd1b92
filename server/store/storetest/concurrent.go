package storetest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/twilio-stubs/userconversations/server/internal/testkit"
	"github.com/twilio-stubs/userconversations/server/store"
)

const (
	concConversations = 40
	concMessages      = 100
	concUpdaters      = 8
	concUpdates       = 200
	concListers       = 4
	concWalks         = 30
)

// concWorld gives ana concConversations conversations of concMessages
// messages each, with no read horizon.
func concWorld() store.World {
	var convs []store.Conversation
	for i := range concConversations {
		convs = append(convs, newConversation(0x100+i, t0.Add(time.Duration(i)*time.Minute), concMessages, newParticipant(0x1000+i, usAna)))
	}
	users := []store.User{newUser(0xA11, "ana")}
	return store.World{Accounts: []store.Account{newAccount(0xA, newService(0xA1, users, convs...))}}
}

// concRemoved reports whether remover r (0 or 1) removes conversation i.
func concRemoved(i int) (r int, ok bool) {
	switch i % 10 {
	case 3:
		return 0, true
	case 7:
		return 1, true
	}
	return 0, false
}

// readState is what an update writes: the two fields together.
type readState struct {
	index int
	level string
}

// testConcurrent updates, lists, snapshots and removes one user's
// conversations from many goroutines at once. Run it with -race. Every page
// must be consistent, and each final state one that some update wrote.
func testConcurrent(t *testing.T, newStore newStoreFunc) {
	ctx := context.Background()
	s := loaded(t, newStore, concWorld())
	convSID := func(i int) string { return testkit.SID("CH", 0x100+i) }
	unread := func(index int) int { return min(max(concMessages-1-index, 0), store.MaxUnreadMessagesCount) }

	// Every goroutine waits for start, so that they all run at once.
	start := make(chan struct{})
	var wg sync.WaitGroup
	written := make([]map[int][]readState, concUpdaters) // per updater: conversation -> states
	for g := range concUpdaters {
		written[g] = make(map[int][]readState)
		wg.Go(func() {
			<-start
			for k := range concUpdates {
				i := (g*7 + k) % concConversations
				want := readState{index: (g*31 + k*13) % concMessages, level: store.NotificationLevelDefault}
				if (g+k)%2 == 1 {
					want.level = store.NotificationLevelMuted
				}
				uc, err := s.UpdateUserConversation(ctx, scopeA, "ana", convSID(i),
					store.Update{NotificationLevel: &want.level, SetReadIndex: true, LastReadMessageIndex: &want.index})
				if errors.Is(err, store.ErrNotFound) {
					if _, removed := concRemoved(i); !removed {
						t.Errorf("Update(%d): %v", i, err)
					}
					continue
				}
				if err != nil {
					t.Errorf("Update(%d): %v", i, err)
					continue
				}
				written[g][i] = append(written[g][i], want)
				if uc.LastReadMessageIndex == nil || *uc.LastReadMessageIndex != want.index ||
					uc.NotificationLevel != want.level || uc.UnreadMessagesCount == nil || *uc.UnreadMessagesCount != unread(want.index) {
					t.Errorf("Update(%d) returned index %v, level %s, unread %v; wrote %+v",
						i, deref(uc.LastReadMessageIndex), uc.NotificationLevel, deref(uc.UnreadMessagesCount), want)
				}
			}
		})
	}
	for range concListers {
		wg.Go(func() {
			<-start
			for range concWalks {
				seen := 0
				q := store.ListQuery{Limit: 7}
				var last *store.Position
				for {
					page, err := s.ListUserConversations(ctx, scopeA, "ana", q)
					if err != nil {
						t.Errorf("List: %v", err)
						return
					}
					checkPage(t, page)
					for _, item := range page.Items {
						if last != nil && !last.Before(store.PositionOf(item)) {
							t.Errorf("walk repeats or goes back at %s", item.ConversationSID)
						}
						last = new(store.PositionOf(item))
						if (item.LastReadMessageIndex == nil) != (item.UnreadMessagesCount == nil) ||
							item.LastReadMessageIndex != nil && *item.UnreadMessagesCount != unread(*item.LastReadMessageIndex) {
							t.Errorf("%s: index %v with unread %v", item.ConversationSID, deref(item.LastReadMessageIndex), deref(item.UnreadMessagesCount))
						}
					}
					seen += len(page.Items)
					if !page.HasMore || len(page.Items) == 0 {
						break
					}
					q = store.ListQuery{Limit: 7, After: last}
				}
				if seen < concConversations*8/10 || seen > concConversations {
					t.Errorf("walk saw %d conversations, want %d to %d", seen, concConversations*8/10, concConversations)
				}
			}
		})
	}
	for r := range 2 {
		wg.Go(func() {
			<-start
			for i := range concConversations {
				if owner, ok := concRemoved(i); ok && owner == r {
					if err := s.RemoveUserConversation(ctx, scopeA, "ana", convSID(i)); err != nil {
						t.Errorf("Remove(%d): %v", i, err)
					}
				}
			}
		})
	}
	wg.Go(func() {
		<-start
		for range 20 {
			if _, err := s.Snapshot(ctx); err != nil {
				t.Errorf("Snapshot: %v", err)
			}
		}
	})
	close(start)
	wg.Wait()

	for i := range concConversations {
		uc, err := s.FetchUserConversation(ctx, scopeA, "ana", convSID(i))
		if _, removed := concRemoved(i); removed {
			wantErr(t, "Fetch of a removed conversation", err, store.ErrNotFound)
			continue
		}
		if err != nil {
			t.Errorf("Fetch(%d): %v", i, err)
			continue
		}
		var candidates []readState
		for g := range concUpdaters {
			candidates = append(candidates, written[g][i]...)
		}
		if len(candidates) == 0 {
			if uc.LastReadMessageIndex != nil || uc.NotificationLevel != store.NotificationLevelDefault {
				t.Errorf("conversation %d, never updated, has index %v, level %s", i, deref(uc.LastReadMessageIndex), uc.NotificationLevel)
			}
			continue
		}
		if uc.LastReadMessageIndex == nil {
			t.Errorf("conversation %d has no read index after %d updates", i, len(candidates))
			continue
		}
		got := readState{index: *uc.LastReadMessageIndex, level: uc.NotificationLevel}
		found := false
		for _, c := range candidates {
			found = found || c == got
		}
		if !found {
			t.Errorf("conversation %d ends in %+v, which no update wrote", i, got)
		}
	}
	page := list(t, s, "ana", store.ListQuery{Limit: concConversations})
	if len(page.Items) != concConversations*8/10 {
		t.Errorf("final list has %d conversations, want %d", len(page.Items), concConversations*8/10)
	}
}
