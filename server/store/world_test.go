package store_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/twilio-stubs/userconversations/server/store"
)

func TestWorldCloneSharesNothing(t *testing.T) {
	name, index, at := "room", 3, time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	original := store.World{Accounts: []store.Account{{
		SID: "AC1", APIKeys: []store.APIKey{{SID: "SK1"}},
		Services: []store.Service{{
			Users: []store.User{{SID: "US1"}},
			Conversations: []store.Conversation{{
				UniqueName: &name, FriendlyName: &name, CreatedBy: &name,
				Timers:       store.Timers{DateInactive: &at, DateClosed: &at},
				Participants: []store.Participant{{LastReadMessageIndex: &index, LastReadTimestamp: &at}},
			}},
		}},
	}}}
	want := original.Clone() // a copy to compare with, made before any change
	clone := original.Clone()
	if !reflect.DeepEqual(clone, original) {
		t.Fatal("the clone differs from the original")
	}

	clone.Accounts[0].SID = "AC2"
	clone.Accounts[0].APIKeys[0].SID = "SK2"
	svc := &clone.Accounts[0].Services[0]
	svc.Users[0].SID = "US2"
	c := &svc.Conversations[0]
	*c.UniqueName, *c.FriendlyName, *c.CreatedBy = "x", "y", "z"
	*c.Timers.DateInactive, *c.Timers.DateClosed = at.Add(time.Hour), at.Add(time.Hour)
	*c.Participants[0].LastReadMessageIndex = 99
	*c.Participants[0].LastReadTimestamp = at.Add(time.Hour)

	if !reflect.DeepEqual(original, want) {
		t.Fatal("changing the clone changed the original")
	}
}
