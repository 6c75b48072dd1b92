package memory_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/twilio-stubs/userconversations/server/store"
	"github.com/twilio-stubs/userconversations/server/store/memory"
)

// SeedOwned seeds an empty store as Seed does, taking the World over, and
// leaves a store that holds a world alone without asking for fixtures.
func TestSeedOwned(t *testing.T) {
	ctx := context.Background()
	w := bigWorld(5, 20, 3)
	copied, owned := memory.New(), memory.New()
	if ok, err := copied.Seed(ctx, func() (store.World, error) { return w.Clone(), nil }); !ok || err != nil {
		t.Fatalf("Seed: %v, %v", ok, err)
	}
	before := owned.Version()
	given := w.Clone()
	if ok, err := owned.SeedOwned(ctx, func() (store.World, error) { return given, nil }); !ok || err != nil {
		t.Fatalf("SeedOwned: %v, %v", ok, err)
	}
	if owned.Version() == before {
		t.Error("SeedOwned left the store's version as it was")
	}
	want, _ := copied.Snapshot(ctx)
	got, _ := owned.Snapshot(ctx)
	if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(got, w) {
		t.Error("SeedOwned and Seed give different worlds")
	}
	if parts := given.Accounts[0].Services[0].Conversations[0].Participants; len(parts) != 0 {
		t.Errorf("SeedOwned copied the World it took over (%d participants left in it)", len(parts))
	}
	asked := false
	ok, err := owned.SeedOwned(ctx, func() (store.World, error) { asked = true; return w.Clone(), nil })
	if ok || err != nil || asked {
		t.Errorf("SeedOwned on a seeded store: %v, %v, fixtures asked for: %v", ok, err, asked)
	}
}
