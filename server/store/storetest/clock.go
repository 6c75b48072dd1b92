package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/twilio-stubs/userconversations/server/store"
)

// RunClock checks a store that takes a clock (an option like
// memory.WithClock) stamps updates with it, in UTC and to the second, and
// that the view shows the later of that stamp and the conversation's
// DateUpdated. newStore returns an empty store reading now.
func RunClock(t *testing.T, newStore func(t *testing.T, now func() time.Time) store.Store) {
	convUpdated := findConversation(new(fixtureWorld()), chGeneral).DateUpdated
	tests := []struct {
		name      string
		now       time.Time
		wantStamp time.Time
		wantView  time.Time
	}{
		{"clock later than the conversation",
			time.Date(2030, 1, 2, 3, 4, 5, 999_999_999, time.FixedZone("UTC+1", 3600)),
			time.Date(2030, 1, 2, 2, 4, 5, 0, time.UTC),
			time.Date(2030, 1, 2, 2, 4, 5, 0, time.UTC)},
		{"clock earlier than the conversation",
			time.Date(2000, 1, 1, 0, 0, 0, 500, time.UTC),
			time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC),
			convUpdated},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newStore(t, func() time.Time { return tt.now })
			if err := s.Load(context.Background(), fixtureWorld()); err != nil {
				t.Fatalf("Load: %v", err)
			}
			uc, err := s.UpdateUserConversation(context.Background(), scopeA, "ana", chGeneral, store.Update{})
			if err != nil {
				t.Fatalf("Update: %v", err)
			}
			if uc.DateUpdated != tt.wantView {
				t.Errorf("view DateUpdated = %v, want %v", uc.DateUpdated, tt.wantView)
			}
			w := snapshot(t, s)
			c, i := findParticipant(&w, mbAnaGeneral)
			if stamp := c.Participants[i].DateUpdated; stamp != tt.wantStamp {
				t.Errorf("participant DateUpdated = %#v, want %#v", stamp, tt.wantStamp)
			}
		})
	}
}
