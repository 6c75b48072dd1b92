package storetest

import (
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/twilio-stubs/userconversations/server/store"
)

// testSeed: an empty store is seeded, and asks for the fixtures only then;
// a store holding a world keeps it; a broken world or a failing fixtures
// function changes nothing.
func testSeed(t *testing.T, newStore newStoreFunc) {
	ctx := context.Background()
	s := newStore(t)
	seeder, ok := s.(store.Seeder)
	if !ok {
		t.Skipf("%T is not a store.Seeder", s)
	}
	broken := fixtureWorld()
	broken.Accounts = append(broken.Accounts, broken.Accounts[0])
	if seeded, err := seeder.Seed(ctx, func() (store.World, error) { return broken, nil }); seeded || !errors.Is(err, store.ErrInvalidWorld) {
		t.Errorf("Seed of a broken world = %v, %v; want false and an error wrapping ErrInvalidWorld", seeded, err)
	}
	failed := errors.New("no fixtures")
	if seeded, err := seeder.Seed(ctx, func() (store.World, error) { return store.World{}, failed }); seeded || !errors.Is(err, failed) {
		t.Errorf("Seed with failing fixtures = %v, %v; want false and its error", seeded, err)
	}
	if w := snapshot(t, s); len(w.Accounts) != 0 {
		t.Fatalf("failed seeds left %d accounts", len(w.Accounts))
	}

	if seeded, err := seeder.Seed(ctx, func() (store.World, error) { return fixtureWorld(), nil }); !seeded || err != nil {
		t.Fatalf("Seed of an empty store = %v, %v; want true", seeded, err)
	}
	equalWorld(t, "Snapshot after Seed", snapshot(t, s), fixtureWorld())

	if _, err := s.UpdateUserConversation(ctx, scopeA, "ana", "general", store.Update{SetReadIndex: true, LastReadMessageIndex: new(3)}); err != nil {
		t.Fatal(err)
	}
	want := snapshot(t, s)
	asked := false
	if seeded, err := seeder.Seed(ctx, func() (store.World, error) { asked = true; return listWorld(), nil }); seeded || err != nil {
		t.Errorf("Seed of a store holding a world = %v, %v; want false", seeded, err)
	}
	if asked {
		t.Error("Seed read the fixtures of a store holding a world")
	}
	equalWorld(t, "Snapshot after a second Seed", snapshot(t, s), want)
}

// testSeedOnce seeds one store from several goroutines at once: one of
// them seeds it.
func testSeedOnce(t *testing.T, newStore newStoreFunc) {
	s := newStore(t)
	seeder, ok := s.(store.Seeder)
	if !ok {
		t.Skipf("%T is not a store.Seeder", s)
	}
	if n := concurrentSeeds(t, slices.Repeat([]store.Seeder{seeder}, 4)...); n != 1 {
		t.Errorf("%d of 4 concurrent seeds loaded the world, want 1", n)
	}
	equalWorld(t, "Snapshot after concurrent seeds", snapshot(t, s), fixtureWorld())
}

// concurrentSeeds seeds each of seeders with the fixture world, all at
// once, and returns how many of them seeded it.
func concurrentSeeds(t *testing.T, seeders ...store.Seeder) int32 {
	var seeds atomic.Int32
	var wg sync.WaitGroup
	for _, seeder := range seeders {
		wg.Go(func() {
			seeded, err := seeder.Seed(context.Background(), func() (store.World, error) { return fixtureWorld(), nil })
			if err != nil {
				t.Error(err)
			}
			if seeded {
				seeds.Add(1)
			}
		})
	}
	wg.Wait()
	return seeds.Load()
}
