package testkit

import (
	"fmt"
	"time"

	"github.com/twilio-stubs/userconversations/server/store"
)

// The test world's credentials and services.
var (
	AccountA = SID("AC", 0xa)
	TokenA   = "tokenA0123456789"
	KeyA     = SID("SK", 0xa)
	SecretA  = "secretA0123456789"
	ServiceA = SID("IS", 0xa)
	NamedA   = SID("IS", 0xa2)

	AccountB = SID("AC", 0xb)
	TokenB   = "tokenB0123456789"
	KeyB     = SID("SK", 0xb)
	SecretB  = "secretB0123456789"
	ServiceB = SID("IS", 0xb)
)

// OddIdentities are users of account A's default service whose identities
// need escaping in a path.
var OddIdentities = []string{"ana maria", "eve/ops", "x+y@example.com", "Zoë", "50%off"}

// World is the test world: account A with a default service (alice, bob,
// the odd identities; conversations CH1..CH5) and a named service, and
// account B. Each call returns a new World.
func World() store.World {
	alice, bob := SID("US", 1), SID("US", 2)
	users := []store.User{{SID: alice, Identity: "alice"}, {SID: bob, Identity: "bob"}}
	for i, identity := range OddIdentities {
		users = append(users, store.User{SID: SID("US", 10+i), Identity: identity})
	}
	conv := func(n int, uniqueName string, messages int, participants ...store.Participant) store.Conversation {
		c := store.Conversation{
			SID: SID("CH", n), FriendlyName: new(fmt.Sprintf("Conversation %d", n)),
			State: store.StateActive, Attributes: "{}",
			DateCreated: Epoch.Add(time.Duration(n) * time.Minute), DateUpdated: Epoch.Add(time.Duration(n) * time.Minute),
			MessageCount: messages, Participants: participants,
		}
		if uniqueName != "" {
			c.UniqueName = &uniqueName
		}
		for i := range c.Participants {
			c.Participants[i].DateUpdated = c.DateUpdated
			if c.Participants[i].NotificationLevel == "" {
				c.Participants[i].NotificationLevel = store.NotificationLevelDefault
			}
		}
		return c
	}
	part := func(n int, user string, index *int) store.Participant {
		return store.Participant{SID: SID("MB", n), UserSID: user, LastReadMessageIndex: index}
	}
	c1 := conv(1, "general", 10, part(11, alice, nil), part(12, bob, new(9)))
	c1.CreatedBy = new("alice")
	c1.Timers = store.Timers{DateInactive: new(Epoch.Add(24 * time.Hour)), DateClosed: new(Epoch.Add(48 * time.Hour))}
	c1.Attributes = `{"topic":"general"}`
	c2 := conv(2, "", 2000, part(21, alice, new(10)))
	c3 := conv(3, "support", 5, part(31, alice, new(4)))
	c3.State = store.StateClosed
	c4 := conv(4, "", 0, part(41, bob, nil))
	var oddParts []store.Participant
	for i := range OddIdentities {
		oddParts = append(oddParts, part(50+i, SID("US", 10+i), nil))
	}
	c5 := conv(5, "odd", 1, oddParts...)
	return store.World{Accounts: []store.Account{
		{
			SID: AccountA, AuthToken: TokenA, APIKeys: []store.APIKey{{SID: KeyA, Secret: SecretA}},
			Services: []store.Service{
				{SID: ServiceA, Users: users, Conversations: []store.Conversation{c1, c2, c3, c4, c5}},
				{SID: NamedA, Users: []store.User{{SID: SID("US", 0xa2), Identity: "alice"}},
					Conversations: []store.Conversation{conv(0xa2, "named-room", 3, part(0xa2, SID("US", 0xa2), new(0)))}},
			},
		},
		{
			SID: AccountB, AuthToken: TokenB, APIKeys: []store.APIKey{{SID: KeyB, Secret: SecretB}},
			Services: []store.Service{{SID: ServiceB, Users: []store.User{{SID: SID("US", 0xb0b), Identity: "alice"}},
				Conversations: []store.Conversation{conv(0xb0b, "general", 1, part(0xb0b, SID("US", 0xb0b), nil))}}},
		},
	}}
}

// ManyWorld is the test world plus, in account A's default service, the
// user "many" in n conversations created a second apart.
func ManyWorld(n int) store.World {
	w := World()
	svc := &w.Accounts[0].Services[0]
	svc.Users = append(svc.Users, store.User{SID: SID("US", 0x4d), Identity: "many"})
	for i := range n {
		created := Epoch.Add(time.Duration(i) * time.Second)
		svc.Conversations = append(svc.Conversations, store.Conversation{
			SID: SID("CH", 0x10000+i), State: store.StateActive, Attributes: "{}",
			DateCreated: created, DateUpdated: created, MessageCount: i % 7,
			Participants: []store.Participant{{
				SID: SID("MB", 0x10000+i), UserSID: SID("US", 0x4d),
				NotificationLevel: store.NotificationLevelDefault, DateUpdated: created,
			}},
		})
	}
	return w
}
