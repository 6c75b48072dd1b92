package storetest

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/twilio-stubs/userconversations/server/internal/testkit"
	"github.com/twilio-stubs/userconversations/server/store"
)

var (
	scopeA  = store.Scope{Account: acA}
	scopeA1 = store.Scope{Account: acA, Service: isA1}
	scopeA2 = store.Scope{Account: acA, Service: isA2}
	scopeB  = store.Scope{Account: acB}
)

func testFetch(t *testing.T, newStore newStoreFunc) {
	s := loaded(t, newStore, fixtureWorld())
	tests := []struct {
		name        string
		scope       store.Scope
		user, conv  string
		participant string // "" means ErrNotFound
	}{
		{"SIDs", scopeA, usAna, chGeneral, mbAnaGeneral},
		{"identity and unique_name", scopeA, "ana", "general", mbAnaGeneral},
		{"identity and SID", scopeA, "ana", chBusy, mbAnaBusy},
		{"SID and unique_name", scopeA, usAna, "recent", mbAnaRecent},
		{"identity with a space", scopeA, "ana maria", "general", mbAnaMaria},
		{"identity with a slash", scopeA, "a/b", "general", mbSlash},
		{"identity with plus and at", scopeA, "x+y@example.com", chGeneral, mbPlus},
		{"non-ASCII identity", scopeA, "Zoë", "general", mbZoe},
		{"SID-shaped names", scopeA, lookalikeIdentity, lookalikeUniqueName, mbLookalike},
		{"SIDs of SID-shaped names", scopeA, usLookalike, chLookalike, mbLookalike},
		{"default service named", scopeA1, "ana", "general", mbAnaGeneral},
		{"second service", scopeA2, "ana", "general", mbAnaA2},
		{"second service by SIDs", scopeA2, usAnaA2, chA2, mbAnaA2},
		{"other account's own default", scopeB, "ana", "general", mbAnaB},

		{"unknown account", store.Scope{Account: testkit.SID("AC", 0xF)}, "ana", "general", ""},
		{"account without services", store.Scope{Account: acC}, "ana", "general", ""},
		{"unknown service", store.Scope{Account: acA, Service: testkit.SID("IS", 0xF)}, "ana", "general", ""},
		{"other account's service", store.Scope{Account: acA, Service: isB1}, "ana", "general", ""},
		{"other account's user SID", scopeA, usAnaB, "general", ""},
		{"other account's conversation SID", scopeA, "ana", chB, ""},
		{"other service's user SID", scopeA, usAnaA2, "general", ""},
		{"other service's conversation SID", scopeA, "ana", chA2, ""},
		{"unknown user SID", scopeA, testkit.SID("US", 0xF), "general", ""},
		{"unknown identity", scopeA, "nobody", "general", ""},
		{"identity prefix", scopeA, "an", "general", ""},
		{"unknown conversation SID", scopeA, "ana", testkit.SID("CH", 0xF), ""},
		{"unknown unique_name", scopeA, "ana", "nothing", ""},
		{"not a participant", scopeA, "ana", "others", ""},
		{"user in no conversation", scopeA, "bob", "general", ""},
		{"participant SID as conversation", scopeA, "ana", mbAnaGeneral, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			uc, err := s.FetchUserConversation(context.Background(), tt.scope, tt.user, tt.conv)
			if tt.participant == "" {
				wantErr(t, "Fetch", err, store.ErrNotFound)
				return
			}
			if err != nil {
				t.Fatalf("Fetch: %v", err)
			}
			if uc.ParticipantSID != tt.participant {
				t.Errorf("ParticipantSID = %s, want %s", uc.ParticipantSID, tt.participant)
			}
		})
	}
}

// testFetchView checks every field of the view against the fixture.
func testFetchView(t *testing.T, newStore newStoreFunc) {
	s := loaded(t, newStore, fixtureWorld())
	tests := []struct {
		name string
		conv string
		want store.UserConversation
	}{
		{"all fields set", "general", store.UserConversation{
			AccountSID: acA, ServiceSID: isA1, ConversationSID: chGeneral, ParticipantSID: mbAnaGeneral, UserSID: usAna,
			FriendlyName: new("General"), UniqueName: new("general"), CreatedBy: new("system"),
			Attributes: `{"topic":"news"}`, State: store.StateActive,
			Timers:      store.Timers{DateInactive: new(t0.Add(48 * time.Hour)), DateClosed: new(t0.Add(96 * time.Hour))},
			DateCreated: t0, DateUpdated: t0.Add(time.Hour), // the conversation's: later than the participant's
			NotificationLevel: store.NotificationLevelDefault,
		}},
		{"empty attributes read as {}", chBusy, store.UserConversation{
			AccountSID: acA, ServiceSID: isA1, ConversationSID: chBusy, ParticipantSID: mbAnaBusy, UserSID: usAna,
			Attributes: "{}", State: store.StateActive,
			DateCreated: t0.Add(-time.Hour), DateUpdated: t0, // the participant's: later than the conversation's
			NotificationLevel:    store.NotificationLevelMuted,
			LastReadMessageIndex: new(5), LastReadTimestamp: new(t0.Add(-30 * time.Minute)),
			UnreadMessagesCount: new(store.MaxUnreadMessagesCount),
		}},
		{"participant updated later", "recent", store.UserConversation{
			AccountSID: acA, ServiceSID: isA1, ConversationSID: chRecent, ParticipantSID: mbAnaRecent, UserSID: usAna,
			UniqueName: new("recent"), Attributes: "{}", State: store.StateInactive,
			DateCreated: t0.Add(2 * time.Hour), DateUpdated: t0.Add(72 * time.Hour),
			NotificationLevel:    store.NotificationLevelDefault,
			LastReadMessageIndex: new(3), UnreadMessagesCount: new(6),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			equalView(t, "Fetch", fetch(t, s, scopeA, "ana", tt.conv), tt.want)
		})
	}
}

// testFetchNoAlias changes everything a view points to, then fetches again
// and compares with a view from an untouched store.
func testFetchNoAlias(t *testing.T, newStore newStoreFunc) {
	s := loaded(t, newStore, fixtureWorld())
	untouched := loaded(t, newStore, fixtureWorld())
	for _, conv := range []string{"general", chBusy} {
		uc := fetch(t, s, scopeA, "ana", conv)
		want := fetch(t, untouched, scopeA, "ana", conv)
		for _, p := range []*string{uc.FriendlyName, uc.UniqueName, uc.CreatedBy} {
			if p != nil {
				*p = "changed"
			}
		}
		for _, p := range []*time.Time{uc.Timers.DateInactive, uc.Timers.DateClosed, uc.LastReadTimestamp} {
			if p != nil {
				*p = time.Time{}
			}
		}
		for _, p := range []*int{uc.LastReadMessageIndex, uc.UnreadMessagesCount} {
			if p != nil {
				*p = -7
			}
		}
		equalView(t, "Fetch after changing an earlier view", fetch(t, s, scopeA, "ana", conv), want)
	}
}

func testUnread(t *testing.T, newStore newStoreFunc) {
	s := loaded(t, newStore, fixtureWorld())
	tests := []struct {
		name       string
		conv       string
		index      *int // written first unless nil
		wantUnread *int
	}{
		{"no read horizon", "general", nil, nil},
		{"capped", chBusy, nil, new(1000)},
		{"index past the last message", "empty", nil, new(0)},
		{"some unread", "recent", nil, new(6)},
		{"all read", "recent", new(9), new(0)},
		{"beyond the last message", "recent", new(50), new(0)},
		{"first message read", "recent", new(0), new(9)},
		{"just over the cap", chBusy, new(3998), new(1000)},
		{"at the cap", chBusy, new(3999), new(1000)},
		{"just under the cap", chBusy, new(4000), new(999)},
		{"set on a conversation without horizon", "general", new(4), new(5)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.index != nil {
				_, err := s.UpdateUserConversation(context.Background(), scopeA, "ana", tt.conv,
					store.Update{SetReadIndex: true, LastReadMessageIndex: tt.index})
				if err != nil {
					t.Fatalf("Update: %v", err)
				}
			}
			uc := fetch(t, s, scopeA, "ana", tt.conv)
			if !reflect.DeepEqual(uc.UnreadMessagesCount, tt.wantUnread) {
				t.Errorf("UnreadMessagesCount = %v, want %v", deref(uc.UnreadMessagesCount), deref(tt.wantUnread))
			}
			if (uc.LastReadMessageIndex == nil) != (tt.wantUnread == nil) {
				t.Errorf("LastReadMessageIndex = %v while UnreadMessagesCount = %v", deref(uc.LastReadMessageIndex), deref(tt.wantUnread))
			}
		})
	}
}

// deref makes a pointer readable in a failure message.
func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}
