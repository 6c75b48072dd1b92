package storetest

import (
	"context"
	"testing"

	"github.com/twilio-stubs/userconversations/server/store"
)

func testSnapshot(t *testing.T, newStore newStoreFunc) {
	if w := snapshot(t, newStore(t)); len(w.Accounts) != 0 {
		t.Errorf("a new store's Snapshot has %d accounts, want none", len(w.Accounts))
	}
	// fixtureWorld lists conversations out of list order, which Snapshot
	// must keep.
	equalWorld(t, "Snapshot after Load", snapshot(t, loaded(t, newStore, fixtureWorld())), fixtureWorld())
	equalWorld(t, "Snapshot after Load", snapshot(t, loaded(t, newStore, listWorld())), listWorld())
}

func testSnapshotNoAlias(t *testing.T, newStore newStoreFunc) {
	s := loaded(t, newStore, fixtureWorld())
	w := snapshot(t, s)
	scribble(&w)
	equalWorld(t, "Snapshot after changing an earlier one", snapshot(t, s), fixtureWorld())
}

// testSnapshotRoundTrip changes the world, then loads its Snapshot into a
// new store and into the same one: both must give the same Snapshot and
// the same views.
func testSnapshotRoundTrip(t *testing.T, newStore newStoreFunc) {
	ctx := context.Background()
	s := loaded(t, newStore, fixtureWorld())
	updates := []struct {
		user, conv string
		u          store.Update
	}{
		{"ana", chBusy, store.Update{SetReadIndex: true}},
		{"ana", "recent", store.Update{NotificationLevel: new(store.NotificationLevelMuted), LastReadTimestamp: new(t0)}},
		{"Zoë", "general", store.Update{SetReadIndex: true, LastReadMessageIndex: new(1)}},
	}
	for _, up := range updates {
		if _, err := s.UpdateUserConversation(ctx, scopeA, up.user, up.conv, up.u); err != nil {
			t.Fatalf("Update(%q, %q): %v", up.user, up.conv, err)
		}
	}
	for _, conv := range []string{"general", "empty"} {
		if err := s.RemoveUserConversation(ctx, scopeA, "ana", conv); err != nil {
			t.Fatalf("Remove(%q): %v", conv, err)
		}
	}
	want := snapshot(t, s)

	again := loaded(t, newStore, want)
	equalWorld(t, "Snapshot of a store loaded with a Snapshot", snapshot(t, again), want)
	for _, ref := range [][2]string{{"ana", chBusy}, {"ana", "recent"}, {"Zoë", "general"}, {"a/b", "general"}} {
		equalView(t, "Fetch from the reloaded store", fetch(t, again, scopeA, ref[0], ref[1]), fetch(t, s, scopeA, ref[0], ref[1]))
	}

	if err := s.Load(ctx, want); err != nil {
		t.Fatalf("Load(Snapshot()): %v", err)
	}
	equalWorld(t, "Snapshot after loading the store's own Snapshot", snapshot(t, s), want)
}
