package storetest

import (
	"context"
	"errors"
	"io"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/twilio-stubs/userconversations/server/store"
)

// OpenFunc opens a handle on one database: every call opens another handle
// on the same one. The handle must implement io.Closer; the suite closes
// every handle it opens.
type OpenFunc func(t *testing.T) store.Store

// RunDurable runs what a durable store adds to the contract, for stores
// that keep their world in a database: a store reopened finds the world as
// it was left, and handles open on one database at once see one world.
// newDatabase returns the OpenFunc of a new, empty database for one test.
// Call it beside Run; the memory store runs Run alone.
func RunDurable(t *testing.T, newDatabase func(t *testing.T) OpenFunc) {
	for _, s := range []struct {
		name string
		run  func(*testing.T, OpenFunc)
	}{
		{"NewDatabaseIsEmpty", testNewDatabaseIsEmpty},
		{"TimesRoundTrip", testTimesRoundTrip},
		{"ReopenKeepsState", testReopenKeepsState},
		{"HandlesSeeEachOther", testHandlesSeeEachOther},
		{"ModifyIsAtomicAcrossHandles", testModifyIsAtomicAcrossHandles},
		{"ConcurrentUpdatesAcrossHandles", testConcurrentUpdatesAcrossHandles},
		{"CredentialsAcrossHandles", testCredentialsAcrossHandles},
		{"VersionAcrossHandles", testVersionAcrossHandles},
	} {
		t.Run(s.name, func(t *testing.T) { s.run(t, newDatabase(t)) })
	}
}

// handle opens a handle and closes it when the test ends, unless the test
// closes it first with closeHandle.
func handle(t *testing.T, open OpenFunc) store.Store {
	t.Helper()
	s := open(t)
	c, ok := s.(io.Closer)
	if !ok {
		t.Fatalf("%T is not an io.Closer", s)
	}
	var once sync.Once
	closers.Store(s, &once)
	t.Cleanup(func() {
		once.Do(func() {
			if err := c.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
		})
	})
	return s
}

// closers holds each open handle's sync.Once, so that a handle is closed
// once whether the test or its cleanup gets there first.
var closers sync.Map

func closeHandle(t *testing.T, s store.Store) {
	t.Helper()
	once, _ := closers.Load(s)
	once.(*sync.Once).Do(func() {
		if err := s.(io.Closer).Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
}

func testNewDatabaseIsEmpty(t *testing.T, open OpenFunc) {
	s := handle(t, open)
	if w := snapshot(t, s); len(w.Accounts) != 0 {
		t.Errorf("a new database's Snapshot has %d accounts, want none", len(w.Accounts))
	}
	closeHandle(t, s)
	if w := snapshot(t, handle(t, open)); len(w.Accounts) != 0 {
		t.Errorf("a new database reopened has %d accounts, want none", len(w.Accounts))
	}
}

// testReopenKeepsState changes the world through every kind of write,
// closes the store and opens it again: the world is as it was left.
func testReopenKeepsState(t *testing.T, open OpenFunc) {
	ctx := context.Background()
	s := handle(t, open)
	if err := s.Load(ctx, fixtureWorld()); err != nil {
		t.Fatalf("Load: %v", err)
	}
	updated, err := s.UpdateUserConversation(ctx, scopeA, "ana", "recent",
		store.Update{NotificationLevel: new(store.NotificationLevelMuted), LastReadTimestamp: new(t0), SetReadIndex: true, LastReadMessageIndex: new(8)})
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
	if _, err := s.UpdateUserConversation(ctx, scopeA, "ana", chBusy, store.Update{SetReadIndex: true}); err != nil {
		t.Fatalf("Update: %v", err)
	}
	if err := s.RemoveUserConversation(ctx, scopeA, "Zoë", "general"); err != nil {
		t.Fatalf("Remove: %v", err)
	}
	if err := s.Modify(ctx, func(w store.World) (store.World, error) {
		w.Accounts = slices.Delete(w.Accounts, 1, 2) // account B
		return w, nil
	}); err != nil {
		t.Fatalf("Modify: %v", err)
	}
	want := snapshot(t, s)
	closeHandle(t, s)

	again := handle(t, open)
	equalWorld(t, "Snapshot after reopening", snapshot(t, again), want)
	equalView(t, "Fetch of the updated conversation after reopening", fetch(t, again, scopeA, "ana", "recent"), updated)
	_, err = again.FetchUserConversation(ctx, scopeA, "Zoë", "general")
	wantErr(t, "Fetch of the removed participation after reopening", err, store.ErrNotFound)
	if got, err := again.Authenticate(ctx, skA, "secret-a"); err != nil || got != acA {
		t.Errorf("Authenticate after reopening = %q, %v; want %s", got, err, acA)
	}
	_, err = again.Authenticate(ctx, acB, "token-b")
	wantErr(t, "Authenticate to the account Modify removed", err, store.ErrUnauthenticated)
}

// testHandlesSeeEachOther writes through one handle and reads through the
// other, both ways.
func testHandlesSeeEachOther(t *testing.T, open OpenFunc) {
	ctx := context.Background()
	a, b := handle(t, open), handle(t, open)
	if err := a.Load(ctx, fixtureWorld()); err != nil {
		t.Fatalf("Load through A: %v", err)
	}
	equalWorld(t, "Snapshot through B after Load through A", snapshot(t, b), fixtureWorld())

	updated, err := a.UpdateUserConversation(ctx, scopeA, "ana", "general", store.Update{SetReadIndex: true, LastReadMessageIndex: new(4)})
	if err != nil {
		t.Fatalf("Update through A: %v", err)
	}
	equalView(t, "Fetch through B after Update through A", fetch(t, b, scopeA, "ana", "general"), updated)

	if err := b.RemoveUserConversation(ctx, scopeA, "ana", chBusy); err != nil {
		t.Fatalf("Remove through B: %v", err)
	}
	_, err = a.FetchUserConversation(ctx, scopeA, "ana", chBusy)
	wantErr(t, "Fetch through A after Remove through B", err, store.ErrNotFound)
	page := list(t, a, "ana", store.ListQuery{Limit: 50})
	equalSIDs(t, "List through A after Remove through B", conversationSIDs(page.Items, itemSID), []string{chGeneral, chEmpty, chRecent})

	if err := b.Modify(ctx, func(w store.World) (store.World, error) {
		w.Accounts[0].AuthToken = "rotated"
		return w, nil
	}); err != nil {
		t.Fatalf("Modify through B: %v", err)
	}
	if got, err := a.Authenticate(ctx, acA, "rotated"); err != nil || got != acA {
		t.Errorf("Authenticate through A with the token set through B = %q, %v", got, err)
	}
	equalWorld(t, "Snapshots through both handles", snapshot(t, a), snapshot(t, b))
}

// testModifyIsAtomicAcrossHandles is ModifyIsAtomic with the Modify calls
// through one handle and the updates through another: the lock that makes
// Modify atomic is the database's, not the process's.
func testModifyIsAtomicAcrossHandles(t *testing.T, open OpenFunc) {
	ctx := context.Background()
	a, b := handle(t, open), handle(t, open)
	if err := a.Load(ctx, listWorld()); err != nil {
		t.Fatalf("Load: %v", err)
	}
	page := list(t, b, "lister", store.ListQuery{Limit: 1000})
	var wg sync.WaitGroup
	wg.Go(func() {
		for range 30 {
			if err := a.Modify(ctx, func(w store.World) (store.World, error) { return w, nil }); err != nil {
				t.Error(err)
				return
			}
		}
	})
	wg.Go(func() {
		for i, item := range page.Items {
			u := store.Update{SetReadIndex: true, LastReadMessageIndex: new(i)}
			if _, err := b.UpdateUserConversation(ctx, scopeA, "lister", item.ConversationSID, u); err != nil {
				t.Error(err)
				return
			}
		}
	})
	wg.Wait()
	for i, item := range page.Items {
		got := fetch(t, a, scopeA, "lister", item.ConversationSID)
		if got.LastReadMessageIndex == nil || *got.LastReadMessageIndex != i {
			t.Fatalf("the update of %s through B was lost across Modify calls through A", item.ConversationSID)
		}
	}
}

// testConcurrentUpdatesAcrossHandles updates different fields of the same
// participants through two handles at once: neither handle's writes may
// undo the other's.
func testConcurrentUpdatesAcrossHandles(t *testing.T, open OpenFunc) {
	ctx := context.Background()
	a, b := handle(t, open), handle(t, open)
	if err := a.Load(ctx, listWorld()); err != nil {
		t.Fatalf("Load: %v", err)
	}
	page := list(t, a, "lister", store.ListQuery{Limit: 1000})
	var wg sync.WaitGroup
	wg.Go(func() { // the level through B, while A sets the index
		for _, item := range page.Items {
			u := store.Update{NotificationLevel: new(store.NotificationLevelMuted)}
			if _, err := b.UpdateUserConversation(ctx, scopeA, "lister", item.ConversationSID, u); err != nil {
				t.Error(err)
			}
		}
	})
	wg.Go(func() {
		for i, item := range page.Items {
			u := store.Update{SetReadIndex: true, LastReadMessageIndex: new(i)}
			if _, err := a.UpdateUserConversation(ctx, scopeA, "lister", item.ConversationSID, u); err != nil {
				t.Error(err)
			}
		}
	})
	wg.Wait()
	for i, item := range page.Items {
		got := fetch(t, b, scopeA, "lister", item.ConversationSID)
		if got.NotificationLevel != store.NotificationLevelMuted || got.LastReadMessageIndex == nil || *got.LastReadMessageIndex != i {
			t.Errorf("%s: level %s, index %v; want muted and %d", item.ConversationSID, got.NotificationLevel, deref(got.LastReadMessageIndex), i)
		}
	}
}

// testTimesRoundTrip loads times a database must store exactly: with
// nanoseconds, at the zero time, before 1970 and far in the future; they
// come back equal, through Snapshot, a view and a reopened store, and the
// list orders conversations by them.
func testTimesRoundTrip(t *testing.T, open OpenFunc) {
	ctx := context.Background()
	times := []time.Time{
		{},
		time.Date(1969, 12, 31, 23, 59, 59, 999_999_999, time.UTC),
		time.Date(2024, 5, 6, 7, 8, 9, 123_456_789, time.UTC),
		time.Date(2024, 5, 6, 7, 8, 9, 123_456_790, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 999_999_999, time.UTC),
	}
	w := listWorld()
	svc := &w.Accounts[0].Services[0]
	svc.Conversations = svc.Conversations[:len(times)]
	for i, at := range times {
		c := &svc.Conversations[len(times)-1-i] // in reverse: the list must sort them
		c.DateCreated, c.DateUpdated = at, at
		c.Timers = store.Timers{DateInactive: new(at), DateClosed: new(times[(i+1)%len(times)])}
		c.Participants[0].DateUpdated = at
		c.Participants[0].LastReadTimestamp = new(at)
	}
	s := handle(t, open)
	if err := s.Load(ctx, w); err != nil {
		t.Fatalf("Load: %v", err)
	}
	equalWorld(t, "Snapshot", snapshot(t, s), w)
	page := list(t, s, "lister", store.ListQuery{Limit: 50})
	if len(page.Items) != len(times) {
		t.Fatalf("List: %d items, want %d", len(page.Items), len(times))
	}
	for i, item := range page.Items {
		if item.DateCreated != times[i] || *item.LastReadTimestamp != times[i] {
			t.Errorf("item %d: created %v, read at %v; want %v", i, item.DateCreated, *item.LastReadTimestamp, times[i])
		}
	}
	closeHandle(t, s)
	equalWorld(t, "Snapshot after reopening", snapshot(t, handle(t, open)), w)
}

// testCredentialsAcrossHandles rotates a token through one handle after
// the other authenticated with it: the other takes the new token, and
// refuses the old one, soon (a store may keep credentials it found for a
// moment; the SQL stores keep none, and read them every time), and the
// handle that rotated it at once. A store.Versioned handle's version
// changes with what it takes: the caches above the store rely on it.
func testCredentialsAcrossHandles(t *testing.T, open OpenFunc) {
	ctx := context.Background()
	a, b := handle(t, open), handle(t, open)
	if err := a.Load(ctx, fixtureWorld()); err != nil {
		t.Fatal(err)
	}
	for _, s := range []store.Store{a, b} {
		if _, err := s.Authenticate(ctx, acA, "token-a"); err != nil {
			t.Fatalf("Authenticate before the rotation: %v", err)
		}
	}
	versionA, versionB := version(a), version(b)
	if err := b.Modify(ctx, func(w store.World) (store.World, error) {
		w.Accounts[0].AuthToken = "rotated"
		return w, nil
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Authenticate(ctx, acA, "token-a"); !errors.Is(err, store.ErrUnauthenticated) {
		t.Errorf("the handle that rotated the token still takes the old one: %v", err)
	}
	if versionB != nil && *versionB == *version(b) {
		t.Errorf("the handle that rotated the token kept its version %d", *versionB)
	}
	start := time.Now()
	for {
		_, errOld := a.Authenticate(ctx, acA, "token-a")
		_, errNew := a.Authenticate(ctx, acA, "rotated")
		if errors.Is(errOld, store.ErrUnauthenticated) && errNew == nil {
			break
		}
		if time.Since(start) > 5*time.Second {
			t.Fatalf("the other handle, 5 s after the rotation: old token %v, new token %v", errOld, errNew)
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Logf("the other handle took the rotated token after %v", time.Since(start))
	if versionA != nil && *versionA == *version(a) {
		t.Errorf("the other handle took the rotated token but kept its version %d", *versionA)
	}
}

// testVersionAcrossHandles replaces the world through one handle and asks
// the other for its store.Versioned version alone: it changes soon, with
// no request to the store in between. The caches above the store trust
// an entry while the version stays, and skip the store meanwhile, so a
// version that moved only with requests would keep honouring credentials
// another process replaced.
func testVersionAcrossHandles(t *testing.T, open OpenFunc) {
	ctx := context.Background()
	a, b := handle(t, open), handle(t, open)
	if version(a) == nil {
		t.Skip("the store counts no versions")
	}
	if err := a.Load(ctx, fixtureWorld()); err != nil {
		t.Fatal(err)
	}
	// a reads the world's version with the credentials, after its own
	// Load: from here only the replacement through b can move its version.
	if _, err := a.Authenticate(ctx, acA, "token-a"); err != nil {
		t.Fatal(err)
	}
	before := *version(a)
	if err := b.Modify(ctx, func(w store.World) (store.World, error) {
		w.Accounts[0].AuthToken = "rotated"
		return w, nil
	}); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	for *version(a) == before {
		if time.Since(start) > 5*time.Second {
			t.Fatalf("the other handle's version stayed %d 5 s after the world was replaced", before)
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Logf("the other handle's version changed after %v", time.Since(start))
}

// version is s's store.Versioned version; nil if it counts none.
func version(s store.Store) *uint64 {
	v, ok := s.(store.Versioned)
	if !ok {
		return nil
	}
	n := v.Version()
	return &n
}
