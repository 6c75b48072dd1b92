package storetest

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/twilio-stubs/userconversations/server/store"
)

func testModify(t *testing.T, newStore newStoreFunc) {
	ctx := context.Background()
	s := loaded(t, newStore, fixtureWorld())

	// A change that succeeds replaces the world with its result.
	err := s.Modify(ctx, func(w store.World) (store.World, error) {
		w.Accounts = w.Accounts[:1]
		return w, nil
	})
	if err != nil {
		t.Fatalf("Modify: %v", err)
	}
	want := fixtureWorld()
	want.Accounts = want.Accounts[:1]
	equalWorld(t, "Snapshot after Modify", snapshot(t, s), want)

	// A change that fails, or yields an invalid world, changes nothing.
	boom := errors.New("boom")
	if err := s.Modify(ctx, func(w store.World) (store.World, error) {
		w.Accounts = nil
		return w, boom
	}); !errors.Is(err, boom) {
		t.Fatalf("Modify with a failing change: %v, want %v", err, boom)
	}
	if err := s.Modify(ctx, func(w store.World) (store.World, error) {
		w.Accounts = append(w.Accounts, w.Accounts[0]) // a duplicate account
		return w, nil
	}); !errors.Is(err, store.ErrInvalidWorld) {
		t.Fatalf("Modify to an invalid world: %v, want ErrInvalidWorld", err)
	}
	equalWorld(t, "Snapshot after refused Modify calls", snapshot(t, s), want)
}

// Updates racing with Modify calls are never lost: each Modify keeps the
// world as it finds it, so every update must show in the end.
func testModifyIsAtomic(t *testing.T, newStore newStoreFunc) {
	ctx := context.Background()
	s := loaded(t, newStore, listWorld())
	page, err := s.ListUserConversations(ctx, scopeA, "lister", store.ListQuery{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		for range 50 {
			if err := s.Modify(ctx, func(w store.World) (store.World, error) { return w, nil }); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	go func() {
		defer wg.Done()
		for i, item := range page.Items {
			u := store.Update{SetReadIndex: true, LastReadMessageIndex: new(i)}
			if _, err := s.UpdateUserConversation(ctx, scopeA, "lister", item.ConversationSID, u); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	wg.Wait()
	for i, item := range page.Items {
		got := fetch(t, s, scopeA, "lister", item.ConversationSID)
		if got.LastReadMessageIndex == nil || *got.LastReadMessageIndex != i {
			t.Fatalf("the update of %s was lost across Modify calls", item.ConversationSID)
		}
	}
}
