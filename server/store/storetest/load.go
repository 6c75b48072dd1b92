package storetest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/twilio-stubs/userconversations/server/internal/testkit"
	"github.com/twilio-stubs/userconversations/server/store"
)

func testLoadInvalid(t *testing.T, newStore newStoreFunc) {
	svcA1 := func(w *store.World) *store.Service { return &w.Accounts[0].Services[0] }
	participant := func(w *store.World, mb string) *store.Participant {
		c, i := findParticipant(w, mb)
		return &c.Participants[i]
	}
	tests := []struct {
		name  string
		brk   func(w *store.World)
		names string // what the error must name
	}{
		{"duplicate account SID", func(w *store.World) { w.Accounts[1].SID = acA }, acA},
		{"API key SID in two accounts", func(w *store.World) { w.Accounts[1].APIKeys[0].SID = skA }, skA},
		{"API key SID twice in an account", func(w *store.World) {
			w.Accounts[0].APIKeys = append(w.Accounts[0].APIKeys, store.APIKey{SID: skA, Secret: "other"})
		}, skA},
		{"service SID in two accounts", func(w *store.World) { w.Accounts[1].Services[0].SID = isA1 }, isA1},
		{"service SID twice in an account", func(w *store.World) { w.Accounts[0].Services[1].SID = isA1 }, isA1},
		{"duplicate user SID", func(w *store.World) { svcA1(w).Users[1].SID = usAna }, usAna},
		{"duplicate identity", func(w *store.World) { svcA1(w).Users[5].Identity = "ana" }, `"ana"`},
		{"duplicate odd identity", func(w *store.World) { svcA1(w).Users[0].Identity = "Zoë" }, "Zoë"},
		{"duplicate conversation SID", func(w *store.World) { findConversation(w, chRecent).SID = chGeneral }, chGeneral},
		{"duplicate unique_name", func(w *store.World) { findConversation(w, chRecent).UniqueName = new("general") }, "general"},
		{"participant of another service's user", func(w *store.World) { participant(w, mbAnaGeneral).UserSID = usAnaA2 }, usAnaA2},
		{"participant of another account's user", func(w *store.World) { participant(w, mbAnaGeneral).UserSID = usAnaB }, usAnaB},
		{"participant of an unknown user", func(w *store.World) { participant(w, mbAnaGeneral).UserSID = testkit.SID("US", 0xF) }, testkit.SID("US", 0xF)},
		{"user twice in a conversation", func(w *store.World) {
			c := findConversation(w, chGeneral)
			c.Participants = append(c.Participants, newParticipant(0xF1, usAna))
		}, usAna},
		{"participant SID twice in a conversation", func(w *store.World) {
			c := findConversation(w, chGeneral)
			p := newParticipant(0, usBob)
			p.SID = mbAnaGeneral
			c.Participants = append(c.Participants, p)
		}, mbAnaGeneral},
		{"participant SID in two conversations", func(w *store.World) { participant(w, mbAnaBusy).SID = mbAnaGeneral }, mbAnaGeneral},
		{"participant SID in two accounts", func(w *store.World) { participant(w, mbAnaB).SID = mbAnaGeneral }, mbAnaGeneral},
		{"date_created past the year 9999 in UTC", func(w *store.World) {
			findConversation(w, chRecent).DateCreated = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
		}, chRecent},
		{"timer before the year 0", func(w *store.World) {
			findConversation(w, chRecent).Timers.DateClosed = new(time.Date(-1, 12, 31, 23, 0, 0, 0, time.UTC))
		}, chRecent},
		{"participant read timestamp past the year 9999", func(w *store.World) {
			participant(w, mbAnaRecent).LastReadTimestamp = new(time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC))
		}, mbAnaRecent},
		{"unknown state", func(w *store.World) { findConversation(w, chRecent).State = "open" }, "open"},
		{"empty state", func(w *store.World) { findConversation(w, chRecent).State = "" }, chRecent},
		{"unknown notification level", func(w *store.World) { participant(w, mbAnaRecent).NotificationLevel = "loud" }, "loud"},
		{"empty notification level", func(w *store.World) { participant(w, mbAnaRecent).NotificationLevel = "" }, mbAnaRecent},
		{"negative message count", func(w *store.World) { findConversation(w, chEmpty).MessageCount = -1 }, chEmpty},
		{"negative read index", func(w *store.World) { participant(w, mbAnaRecent).LastReadMessageIndex = new(-1) }, mbAnaRecent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := loaded(t, newStore, fixtureWorld())
			bad := fixtureWorld()
			tt.brk(&bad)
			err := s.Load(context.Background(), bad)
			wantErr(t, "Load", err, store.ErrInvalidWorld)
			if err != nil && !strings.Contains(err.Error(), tt.names) {
				t.Errorf("Load error %q does not name %s", err, tt.names)
			}
			equalWorld(t, "Snapshot after a rejected Load", snapshot(t, s), fixtureWorld())
			fetch(t, s, scopeA, "ana", "general")
		})
	}
}

// testLoadReplaces loads a second world over the first: nothing of the
// first survives but what the second holds too.
func testLoadReplaces(t *testing.T, newStore newStoreFunc) {
	ctx := context.Background()
	s := loaded(t, newStore, fixtureWorld())
	// listWorld reuses account A's SID and credentials, and nothing else.
	if err := s.Load(ctx, listWorld()); err != nil {
		t.Fatalf("Load: %v", err)
	}
	equalWorld(t, "Snapshot", snapshot(t, s), listWorld())
	_, err := s.FetchUserConversation(ctx, scopeA, "ana", "general")
	wantErr(t, "Fetch of a user of the old world", err, store.ErrNotFound)
	_, err = s.FetchUserConversation(ctx, scopeB, "ana", "general")
	wantErr(t, "Fetch in an account of the old world", err, store.ErrNotFound)
	_, err = s.Authenticate(ctx, acB, "token-b")
	wantErr(t, "Authenticate to an account of the old world", err, store.ErrUnauthenticated)
	if got, err := s.Authenticate(ctx, acA, "token-a"); err != nil || got != acA {
		t.Errorf("Authenticate(acA) = %q, %v; want %s", got, err, acA)
	}
	list(t, s, "lister", store.ListQuery{Limit: 5})

	if err := s.Load(ctx, store.World{}); err != nil {
		t.Fatalf("Load(empty): %v", err)
	}
	if w := snapshot(t, s); len(w.Accounts) != 0 {
		t.Errorf("Snapshot after loading an empty world has %d accounts", len(w.Accounts))
	}
	_, err = s.Authenticate(ctx, acA, "token-a")
	wantErr(t, "Authenticate in an empty world", err, store.ErrUnauthenticated)
}

// testLoadNoAlias changes everything the loaded World holds by reference.
func testLoadNoAlias(t *testing.T, newStore newStoreFunc) {
	w := fixtureWorld()
	s := loaded(t, newStore, w)
	scribble(&w)
	equalWorld(t, "Snapshot after changing the loaded World", snapshot(t, s), fixtureWorld())
}

// scribble changes every value w holds by reference: through every pointer,
// and every element of every slice.
func scribble(w *store.World) {
	changed := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	for ai := range w.Accounts {
		a := &w.Accounts[ai]
		for ki := range a.APIKeys {
			a.APIKeys[ki] = store.APIKey{SID: "changed", Secret: "changed"}
		}
		for si := range a.Services {
			svc := &a.Services[si]
			for ui := range svc.Users {
				svc.Users[ui] = store.User{SID: "changed", Identity: "changed"}
			}
			for ci := range svc.Conversations {
				c := &svc.Conversations[ci]
				for _, p := range []*string{c.UniqueName, c.FriendlyName, c.CreatedBy} {
					if p != nil {
						*p = "changed"
					}
				}
				for _, p := range []*time.Time{c.Timers.DateInactive, c.Timers.DateClosed} {
					if p != nil {
						*p = changed
					}
				}
				for pi := range c.Participants {
					p := &c.Participants[pi]
					if p.LastReadMessageIndex != nil {
						*p.LastReadMessageIndex = 12345
					}
					if p.LastReadTimestamp != nil {
						*p.LastReadTimestamp = changed
					}
					p.SID, p.NotificationLevel = "changed", "changed"
				}
				c.SID, c.State = "changed", "changed"
			}
			svc.SID = "changed"
		}
		a.SID = "changed"
	}
}
