package interop_test

import (
	"fmt"
	"time"

	"github.com/twilio-stubs/userconversations/server/internal/testkit"
	"github.com/twilio-stubs/userconversations/server/store"
)

// The interop world: account AC…01 (auth token below) with one service, in
// which "alice" takes part in five conversations (CH…01 to CH…05, created a
// minute apart; CH…03 has the unique_name "support") and "bob" in CH…01.
// Both libraries run the same scenario against it.
var (
	accountSID = testkit.SID("AC", 1)
	authToken  = "interop0123456789abcdef"
	serviceSID = testkit.SID("IS", 1)
	aliceSID   = testkit.SID("US", 1)
	bobSID     = testkit.SID("US", 2)
)

func interopWorld() store.World {
	epoch := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	svc := store.Service{SID: serviceSID, Users: []store.User{
		{SID: aliceSID, Identity: "alice"}, {SID: bobSID, Identity: "bob"},
	}}
	for n := 1; n <= 5; n++ {
		created := epoch.Add(time.Duration(n) * time.Minute)
		c := store.Conversation{
			SID: testkit.SID("CH", n), FriendlyName: new(fmt.Sprintf("Room %d", n)),
			State: store.StateActive, Attributes: "{}", DateCreated: created, DateUpdated: created,
			MessageCount: 10 * n,
			Participants: []store.Participant{{
				SID: testkit.SID("MB", n), UserSID: aliceSID, NotificationLevel: store.NotificationLevelDefault, DateUpdated: created,
			}},
		}
		if n == 3 {
			c.UniqueName = new("support")
		}
		if n == 1 {
			c.Participants = append(c.Participants, store.Participant{
				SID: testkit.SID("MB", 100), UserSID: bobSID, NotificationLevel: store.NotificationLevelDefault, DateUpdated: created,
			})
		}
		svc.Conversations = append(svc.Conversations, c)
	}
	return store.World{Accounts: []store.Account{{SID: accountSID, AuthToken: authToken, Services: []store.Service{svc}}}}
}
