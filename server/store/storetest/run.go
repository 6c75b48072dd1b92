// Package storetest is the contract every store.Store implementation must
// meet, as one suite: call Run from the implementation's tests.
package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/twilio-stubs/userconversations/server/store"
)

// newStoreFunc returns an empty store for one test; each subtest gets its own.
type newStoreFunc func(t *testing.T) store.Store

// Run runs the contract suite against stores newStore makes. Beyond the
// store package's documentation, the suite assumes:
//   - the store stamps updates with the wall clock: the suite cannot set a
//     clock, so it checks each stamp against the window around the call;
//   - time values come back as they were loaded (UTC in the fixtures), since
//     worlds and views are compared with reflect.DeepEqual; an empty
//     collection in a Snapshot may be nil or not;
//   - a ListQuery breaking its constraints fails with store.ErrInvalidQuery.
func Run(t *testing.T, newStore func(t *testing.T) store.Store) {
	for _, s := range []struct {
		name string
		run  func(*testing.T, newStoreFunc)
	}{
		{"Fetch", testFetch},
		{"FetchView", testFetchView},
		{"FetchNoAlias", testFetchNoAlias},
		{"Unread", testUnread},
		{"Update", testUpdate},
		{"UpdateInvalid", testUpdateInvalid},
		{"UpdateNotFound", testUpdateNotFound},
		{"UpdateStamp", testUpdateStamp},
		{"Remove", testRemove},
		{"RemoveNotFound", testRemoveNotFound},
		{"ListPagesForward", testListPagesForward},
		{"ListPagesBackward", testListPagesBackward},
		{"ListPagesByOffset", testListPagesByOffset},
		{"ListEdges", testListEdges},
		{"ListItems", testListItems},
		{"ListNotFound", testListNotFound},
		{"ListInvalidQuery", testListInvalidQuery},
		{"ListRemoveBetweenPages", testListRemoveBetweenPages},
		{"ListIntoItems", testListIntoItems},
		{"LoadInvalid", testLoadInvalid},
		{"LoadReplaces", testLoadReplaces},
		{"LoadNoAlias", testLoadNoAlias},
		{"Snapshot", testSnapshot},
		{"SnapshotNoAlias", testSnapshotNoAlias},
		{"SnapshotRoundTrip", testSnapshotRoundTrip},
		{"Modify", testModify},
		{"ModifyIsAtomic", testModifyIsAtomic},
		{"Authenticate", testAuthenticate},
		{"Concurrent", testConcurrent},
		{"Seed", testSeed},
		{"SeedOnce", testSeedOnce},
	} {
		t.Run(s.name, func(t *testing.T) { s.run(t, newStore) })
	}
}

// loaded returns a new store holding w.
func loaded(t *testing.T, newStore newStoreFunc, w store.World) store.Store {
	t.Helper()
	s := newStore(t)
	if err := s.Load(context.Background(), w); err != nil {
		t.Fatalf("Load: %v", err)
	}
	return s
}

func snapshot(t *testing.T, s store.Store) store.World {
	t.Helper()
	w, err := s.Snapshot(context.Background())
	if err != nil {
		t.Fatalf("Snapshot: %v", err)
	}
	return w
}

func fetch(t *testing.T, s store.Store, scope store.Scope, user, conv string) store.UserConversation {
	t.Helper()
	uc, err := s.FetchUserConversation(context.Background(), scope, user, conv)
	if err != nil {
		t.Fatalf("Fetch(%v, %q, %q): %v", scope, user, conv, err)
	}
	return uc
}

// wantErr fails unless err wraps target.
func wantErr(t *testing.T, what string, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Errorf("%s: error %v, want one wrapping %v", what, err, target)
	}
}

// equalWorld fails if got and want differ, naming the first JSON line where
// they do: worlds are too large to print whole. An empty collection equals a
// nil one.
func equalWorld(t *testing.T, what string, got, want store.World) {
	t.Helper()
	if reflect.DeepEqual(nilEmpty(got), nilEmpty(want)) {
		return
	}
	g, _ := json.MarshalIndent(got, "", " ")
	w, _ := json.MarshalIndent(want, "", " ")
	gl, wl := strings.Split(string(g), "\n"), strings.Split(string(w), "\n")
	for i := 0; i < len(gl) && i < len(wl); i++ {
		if gl[i] != wl[i] {
			from := max(i-3, 0)
			t.Errorf("%s: worlds differ at JSON line %d:\ngot:\n%s\nwant:\n%s", what, i+1,
				strings.Join(gl[from:min(i+3, len(gl))], "\n"), strings.Join(wl[from:min(i+3, len(wl))], "\n"))
			return
		}
	}
	t.Errorf("%s: worlds differ (%d JSON lines, want %d), or differ only in what JSON does not show", what, len(gl), len(wl))
}

// equalView fails if got and want differ.
func equalView(t *testing.T, what string, got, want store.UserConversation) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		g, _ := json.MarshalIndent(got, "", " ")
		w, _ := json.MarshalIndent(want, "", " ")
		t.Errorf("%s:\ngot  %s\nwant %s", what, g, w)
	}
}

// nilEmpty returns a copy of w with every empty collection nil.
func nilEmpty(w store.World) store.World {
	var out store.World
	for _, a := range w.Accounts {
		services := a.Services
		a.Services = nil
		if len(a.APIKeys) == 0 {
			a.APIKeys = nil
		}
		for _, s := range services {
			convs := s.Conversations
			s.Conversations = nil
			if len(s.Users) == 0 {
				s.Users = nil
			}
			for _, c := range convs {
				if len(c.Participants) == 0 {
					c.Participants = nil
				}
				s.Conversations = append(s.Conversations, c)
			}
			a.Services = append(a.Services, s)
		}
		out.Accounts = append(out.Accounts, a)
	}
	return out
}
