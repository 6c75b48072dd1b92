package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/twilio-stubs/userconversations/server/store"
)

func testUpdate(t *testing.T, newStore newStoreFunc) {
	// A read timestamp given with a zone and a fraction of a second.
	readAt := time.Date(2024, 5, 7, 10, 11, 12, 987654321, time.FixedZone("UTC+5", 5*3600))
	readAtStored := readAt.UTC().Truncate(time.Second)
	tests := []struct {
		name   string
		conv   string
		mb     string
		update store.Update
		// apply changes the fixture participant as the update should.
		apply func(p *store.Participant)
	}{
		{"nothing", "general", mbAnaGeneral, store.Update{}, func(*store.Participant) {}},
		{"notification level", "general", mbAnaGeneral,
			store.Update{NotificationLevel: new(store.NotificationLevelMuted)},
			func(p *store.Participant) { p.NotificationLevel = store.NotificationLevelMuted }},
		{"notification level back to default", chBusy, mbAnaBusy,
			store.Update{NotificationLevel: new(store.NotificationLevelDefault)},
			func(p *store.Participant) { p.NotificationLevel = store.NotificationLevelDefault }},
		{"read timestamp", "general", mbAnaGeneral,
			store.Update{LastReadTimestamp: &readAt},
			func(p *store.Participant) { p.LastReadTimestamp = new(readAtStored) }},
		{"read index", "general", mbAnaGeneral,
			store.Update{SetReadIndex: true, LastReadMessageIndex: new(7)},
			func(p *store.Participant) { p.LastReadMessageIndex = new(7) }},
		{"read index zero", "recent", mbAnaRecent,
			store.Update{SetReadIndex: true, LastReadMessageIndex: new(0)},
			func(p *store.Participant) { p.LastReadMessageIndex = new(0) }},
		{"read index cleared", chBusy, mbAnaBusy,
			store.Update{SetReadIndex: true},
			func(p *store.Participant) { p.LastReadMessageIndex = nil }},
		{"read index without SetReadIndex is ignored", chBusy, mbAnaBusy,
			store.Update{LastReadMessageIndex: new(1)},
			func(*store.Participant) {}},
		{"all fields", chBusy, mbAnaBusy,
			store.Update{NotificationLevel: new(store.NotificationLevelDefault), LastReadTimestamp: &readAt, SetReadIndex: true, LastReadMessageIndex: new(4999)},
			func(p *store.Participant) {
				p.NotificationLevel = store.NotificationLevelDefault
				p.LastReadTimestamp = new(readAtStored)
				p.LastReadMessageIndex = new(4999)
			}},
		{"odd identity", "general", mbZoe,
			store.Update{SetReadIndex: true, LastReadMessageIndex: new(2)},
			func(p *store.Participant) { p.LastReadMessageIndex = new(2) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := loaded(t, newStore, fixtureWorld())
			want := fixtureWorld()
			wc, wi := findParticipant(&want, tt.mb)
			user := wc.Participants[wi].UserSID

			got, err := s.UpdateUserConversation(context.Background(), scopeA, user, tt.conv, tt.update)
			if err != nil {
				t.Fatalf("Update: %v", err)
			}
			// The participant is stamped now, which UpdateStamp checks; here,
			// take the stamp from the store and expect the rest.
			tt.apply(&wc.Participants[wi])
			got1 := snapshot(t, s)
			gc, gi := findParticipant(&got1, tt.mb)
			stamp := gc.Participants[gi].DateUpdated
			wc.Participants[wi].DateUpdated = stamp
			equalWorld(t, "Snapshot after Update", got1, want)

			if !got.DateUpdated.Equal(stamp) {
				t.Errorf("view DateUpdated = %v, want the participant's %v", got.DateUpdated, stamp)
			}
			equalView(t, "Fetch after Update", fetch(t, s, scopeA, user, tt.conv), got)
			if got.ParticipantSID != tt.mb {
				t.Errorf("ParticipantSID = %s, want %s", got.ParticipantSID, tt.mb)
			}
		})
	}
}

func testUpdateInvalid(t *testing.T, newStore newStoreFunc) {
	tests := []struct {
		name   string
		update store.Update
	}{
		{"unknown notification level", store.Update{NotificationLevel: new("loud")}},
		{"empty notification level", store.Update{NotificationLevel: new("")}},
		{"capitalised notification level", store.Update{NotificationLevel: new("Muted")}},
		{"negative read index", store.Update{SetReadIndex: true, LastReadMessageIndex: new(-1)}},
		{"valid fields with an invalid one", store.Update{
			NotificationLevel: new("loud"), LastReadTimestamp: new(t0), SetReadIndex: true, LastReadMessageIndex: new(1),
		}},
		{"read timestamp before the year 0 in UTC", store.Update{
			LastReadTimestamp: new(time.Date(0, 1, 1, 0, 0, 0, 0, time.FixedZone("", 3600))),
		}},
		{"read timestamp past the year 9999 in UTC", store.Update{
			LastReadTimestamp: new(time.Date(9999, 12, 31, 23, 59, 59, 0, time.FixedZone("", -(23*3600+59*60)))),
		}},
		{"invalid index with a valid level", store.Update{
			NotificationLevel: new(store.NotificationLevelMuted), SetReadIndex: true, LastReadMessageIndex: new(-5),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := loaded(t, newStore, fixtureWorld())
			_, err := s.UpdateUserConversation(context.Background(), scopeA, "ana", "general", tt.update)
			wantErr(t, "Update", err, store.ErrInvalidUpdate)
			equalWorld(t, "Snapshot after a rejected Update", snapshot(t, s), fixtureWorld())
		})
	}
}

func testUpdateNotFound(t *testing.T, newStore newStoreFunc) {
	s := loaded(t, newStore, fixtureWorld())
	update := store.Update{NotificationLevel: new(store.NotificationLevelMuted)}
	tests := []struct {
		name       string
		scope      store.Scope
		user, conv string
	}{
		{"unknown user", scopeA, "nobody", "general"},
		{"unknown conversation", scopeA, "ana", "nothing"},
		{"not a participant", scopeA, "ana", "others"},
		{"other account's service", store.Scope{Account: acA, Service: isB1}, "ana", "general"},
		{"other account's conversation", scopeA, "ana", chB},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.UpdateUserConversation(context.Background(), tt.scope, tt.user, tt.conv, update)
			wantErr(t, "Update", err, store.ErrNotFound)
		})
	}
	equalWorld(t, "Snapshot after failed Updates", snapshot(t, s), fixtureWorld())
}

// testUpdateStamp checks the participant is stamped with the time of the
// update, in UTC and to the second, and that the view shows that stamp once
// it is later than the conversation's.
func testUpdateStamp(t *testing.T, newStore newStoreFunc) {
	s := loaded(t, newStore, fixtureWorld())
	before := time.Now().UTC().Truncate(time.Second)
	uc, err := s.UpdateUserConversation(context.Background(), scopeA, "ana", "recent", store.Update{})
	after := time.Now()
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
	w := snapshot(t, s)
	c, i := findParticipant(&w, mbAnaRecent)
	stamp := c.Participants[i].DateUpdated
	if stamp.Before(before) || stamp.After(after) {
		t.Errorf("participant DateUpdated = %v, want within [%v, %v]", stamp, before, after)
	}
	if stamp.Location() != time.UTC || stamp.Nanosecond() != 0 {
		t.Errorf("participant DateUpdated = %v, want UTC and whole seconds", stamp)
	}
	// The stamp is later than the conversation's DateUpdated, so the view
	// shows it.
	if !uc.DateUpdated.Equal(stamp) {
		t.Errorf("view DateUpdated = %v, want %v", uc.DateUpdated, stamp)
	}
}
