package memory_test

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"testing"

	"github.com/twilio-stubs/userconversations/server/store"
	"github.com/twilio-stubs/userconversations/server/store/memory"
)

// LoadOwned loads what Load loads, and empties the World it takes over.
func TestLoadOwned(t *testing.T) {
	ctx := context.Background()
	for name, w := range map[string]store.World{
		"in list order": bigWorld(7, 40, 3),
		// Conversations out of list order: each user's list is sorted.
		"reversed": func() store.World {
			w := bigWorld(7, 40, 3)
			slices.Reverse(w.Accounts[0].Services[0].Conversations)
			return w
		}(),
	} {
		t.Run(name, func(t *testing.T) {
			copied, owned := memory.New(), memory.New()
			load(t, copied, w)
			given := w.Clone()
			before := owned.Version()
			if err := owned.LoadOwned(ctx, &given); err != nil {
				t.Fatal(err)
			}
			// What a process caches of the credentials (store.Versioned)
			// must not outlive the world they came from.
			if owned.Version() == before {
				t.Error("LoadOwned left the store's version as it was")
			}
			if !reflect.DeepEqual(given, store.World{}) {
				t.Error("LoadOwned left the World it took over")
			}
			want, _ := copied.Snapshot(ctx)
			got, _ := owned.Snapshot(ctx)
			if !reflect.DeepEqual(got, want) {
				t.Error("LoadOwned and Load give different worlds")
			}
			if !reflect.DeepEqual(got, w) {
				t.Error("the snapshot is not the World loaded")
			}
			user := w.Accounts[0].Services[0].Users[0].SID
			scope := store.Scope{Account: w.Accounts[0].SID}
			page, err := owned.ListUserConversations(ctx, scope, user, store.ListQuery{Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.IsSortedFunc(page.Items, func(a, b store.UserConversation) int {
				return store.Position{DateCreated: a.DateCreated, ConversationSID: a.ConversationSID}.Compare(
					store.Position{DateCreated: b.DateCreated, ConversationSID: b.ConversationSID})
			}) || len(page.Items) == 0 {
				t.Errorf("%d conversations, not in list order", len(page.Items))
			}
		})
	}
}

// An invalid World is refused, and left as it was.
func TestLoadOwnedRefusesAnInvalidWorld(t *testing.T) {
	w := bigWorld(3, 4, 2)
	w.Accounts[0].Services[0].Conversations[3].Participants[1].UserSID = "US00000000000000000000000000000999"
	given := w.Clone()
	st := memory.New()
	before := st.Version()
	err := st.LoadOwned(context.Background(), &given)
	if !errors.Is(err, store.ErrInvalidWorld) {
		t.Fatalf("LoadOwned: %v; want ErrInvalidWorld", err)
	}
	if !reflect.DeepEqual(given, w) {
		t.Error("the refused World was changed")
	}
	if st.Version() != before {
		t.Error("a refused World counted as a write")
	}
}

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
