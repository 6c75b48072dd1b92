package storetest

import (
	"context"
	"slices"
	"testing"

	"github.com/twilio-stubs/userconversations/server/internal/testkit"
	"github.com/twilio-stubs/userconversations/server/store"
)

func testRemove(t *testing.T, newStore newStoreFunc) {
	tests := []struct {
		name       string
		user, conv string
		mb         string
	}{
		{"by identity and unique_name", "ana", "general", mbAnaGeneral},
		{"by SIDs", usAna, chBusy, mbAnaBusy},
		{"odd identity", "a/b", "general", mbSlash},
		{"a conversation's only participant", "ana", "empty", mbAnaEmpty},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			s := loaded(t, newStore, fixtureWorld())
			uc := fetch(t, s, scopeA, tt.user, tt.conv)
			if err := s.RemoveUserConversation(ctx, scopeA, tt.user, tt.conv); err != nil {
				t.Fatalf("Remove: %v", err)
			}

			_, err := s.FetchUserConversation(ctx, scopeA, tt.user, tt.conv)
			wantErr(t, "Fetch after Remove", err, store.ErrNotFound)
			_, err = s.FetchUserConversation(ctx, scopeA, uc.UserSID, uc.ConversationSID)
			wantErr(t, "Fetch by SIDs after Remove", err, store.ErrNotFound)
			_, err = s.UpdateUserConversation(ctx, scopeA, tt.user, tt.conv, store.Update{})
			wantErr(t, "Update after Remove", err, store.ErrNotFound)
			err = s.RemoveUserConversation(ctx, scopeA, tt.user, tt.conv)
			wantErr(t, "Remove again", err, store.ErrNotFound)

			page, err := s.ListUserConversations(ctx, scopeA, tt.user, store.ListQuery{Limit: 50})
			if err != nil {
				t.Fatalf("List: %v", err)
			}
			for _, item := range page.Items {
				if item.ConversationSID == uc.ConversationSID {
					t.Errorf("List after Remove still has %s", uc.ConversationSID)
				}
			}

			// The participant is gone from the world; nothing else changed,
			// the conversation's other participants keep their order.
			want := fixtureWorld()
			c, i := findParticipant(&want, tt.mb)
			c.Participants = slices.Delete(c.Participants, i, i+1)
			equalWorld(t, "Snapshot after Remove", snapshot(t, s), want)
		})
	}
}

func testRemoveNotFound(t *testing.T, newStore newStoreFunc) {
	s := loaded(t, newStore, fixtureWorld())
	tests := []struct {
		name       string
		scope      store.Scope
		user, conv string
	}{
		{"unknown account", store.Scope{Account: testkit.SID("AC", 0xF)}, "ana", "general"},
		{"unknown user", scopeA, "nobody", "general"},
		{"unknown conversation", scopeA, "ana", "nothing"},
		{"not a participant", scopeA, "ana", "others"},
		{"other account's service", store.Scope{Account: acA, Service: isB1}, "ana", "general"},
		{"other account's user", scopeA, usAnaB, "general"},
		{"other account's conversation", scopeA, "ana", chB},
		{"other service's conversation", scopeA, "ana", chA2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := s.RemoveUserConversation(context.Background(), tt.scope, tt.user, tt.conv)
			wantErr(t, "Remove", err, store.ErrNotFound)
		})
	}
	equalWorld(t, "Snapshot after failed Removes", snapshot(t, s), fixtureWorld())
}
