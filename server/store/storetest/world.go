package storetest

import (
	"fmt"
	"strings"
	"time"

	"github.com/twilio-stubs/userconversations/server/internal/testkit"
	"github.com/twilio-stubs/userconversations/server/store"
)

// t0 is when the fixture world happens; every date is relative to it, and
// it lies in the past so that an update's "now" is later than any of them.
var t0 = time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)

// Builders of fixture items with every field set to a plain default; tests
// adjust the returned values.

func newAccount(n int, services ...store.Service) store.Account {
	return store.Account{
		SID:       testkit.SID("AC", n),
		AuthToken: fmt.Sprintf("token-%x", n),
		APIKeys:   []store.APIKey{{SID: testkit.SID("SK", n), Secret: fmt.Sprintf("secret-%x", n)}},
		Services:  services,
	}
}

func newService(n int, users []store.User, conversations ...store.Conversation) store.Service {
	return store.Service{SID: testkit.SID("IS", n), Users: users, Conversations: conversations}
}

func newUser(n int, identity string) store.User {
	return store.User{SID: testkit.SID("US", n), Identity: identity}
}

func newConversation(n int, created time.Time, messages int, participants ...store.Participant) store.Conversation {
	return store.Conversation{
		SID:          testkit.SID("CH", n),
		State:        store.StateActive,
		DateCreated:  created,
		DateUpdated:  created,
		MessageCount: messages,
		Participants: participants,
	}
}

func newParticipant(n int, userSID string) store.Participant {
	return store.Participant{
		SID:               testkit.SID("MB", n),
		UserSID:           userSID,
		NotificationLevel: store.NotificationLevelDefault,
		DateUpdated:       t0,
	}
}

// The fixture world's SIDs. Account A has two services, isA1 (its default)
// and isA2; account B has one; account C has none.
var (
	acA, acB, acC = testkit.SID("AC", 0xA), testkit.SID("AC", 0xB), testkit.SID("AC", 0xC)
	skA, skB      = testkit.SID("SK", 0xA), testkit.SID("SK", 0xB)
	isA1, isA2    = testkit.SID("IS", 0xA1), testkit.SID("IS", 0xA2)
	isB1          = testkit.SID("IS", 0xB1)

	// Users of isA1.
	usAna       = testkit.SID("US", 0xA11)
	usAnaMaria  = testkit.SID("US", 0xA12)
	usSlash     = testkit.SID("US", 0xA13)
	usPlus      = testkit.SID("US", 0xA14)
	usZoe       = testkit.SID("US", 0xA15)
	usBob       = testkit.SID("US", 0xA16) // in no conversation
	usLookalike = testkit.SID("US", 0xA17)
	// Namesakes of ana in isA2 and in account B.
	usAnaA2 = testkit.SID("US", 0xA21)
	usAnaB  = testkit.SID("US", 0xB11)

	// Conversations of isA1, in ana's list order: busy, general, empty,
	// recent. ana is not in others.
	chBusy      = testkit.SID("CH", 0xA102)
	chGeneral   = testkit.SID("CH", 0xA101)
	chEmpty     = testkit.SID("CH", 0xA103)
	chRecent    = testkit.SID("CH", 0xA104)
	chOthers    = testkit.SID("CH", 0xA105)
	chLookalike = testkit.SID("CH", 0xA106)
	chA2        = testkit.SID("CH", 0xA201)
	chB         = testkit.SID("CH", 0xB101)

	mbAnaGeneral = testkit.SID("MB", 0xA1011)
	mbAnaMaria   = testkit.SID("MB", 0xA1012)
	mbSlash      = testkit.SID("MB", 0xA1013)
	mbPlus       = testkit.SID("MB", 0xA1014)
	mbZoe        = testkit.SID("MB", 0xA1015)
	mbAnaBusy    = testkit.SID("MB", 0xA1021)
	mbAnaEmpty   = testkit.SID("MB", 0xA1031)
	mbAnaRecent  = testkit.SID("MB", 0xA1041)
	mbLookalike  = testkit.SID("MB", 0xA1061)
	mbAnaA2      = testkit.SID("MB", 0xA2011)
	mbAnaB       = testkit.SID("MB", 0xB1011)
)

// A name of a SID's length and prefix is still a name unless it is all hex.
var (
	lookalikeIdentity   = "US" + strings.Repeat("z", 32)
	lookalikeUniqueName = "CH" + strings.Repeat("z", 32)
)

// Identities that must work as path values and map keys alike.
var oddIdentities = map[string]string{
	usAnaMaria: "ana maria",
	usSlash:    "a/b",
	usPlus:     "x+y@example.com",
	usZoe:      "Zoë",
}

// fixtureWorld returns a fresh copy of the world most tests start from. It
// sets the unique_name "general" in all three services, the identity "ana"
// in all three, and lists conversations out of list order.
func fixtureWorld() store.World {
	users := []store.User{newUser(0xA11, "ana")}
	for _, n := range []int{0xA12, 0xA13, 0xA14, 0xA15} {
		users = append(users, newUser(n, oddIdentities[testkit.SID("US", n)]))
	}
	users = append(users, newUser(0xA16, "bob"), newUser(0xA17, lookalikeIdentity))

	general := newConversation(0xA101, t0, 10,
		newParticipant(0xA1011, usAna),
		withIndex(newParticipant(0xA1012, usAnaMaria), 9),
		withIndex(newParticipant(0xA1013, usSlash), 9),
		withIndex(newParticipant(0xA1014, usPlus), 9),
		withIndex(newParticipant(0xA1015, usZoe), 9),
	)
	general.UniqueName = new("general")
	general.FriendlyName = new("General")
	general.CreatedBy = new("system")
	general.Attributes = `{"topic":"news"}`
	general.DateUpdated = t0.Add(time.Hour)
	general.Timers = store.Timers{DateInactive: new(t0.Add(48 * time.Hour)), DateClosed: new(t0.Add(96 * time.Hour))}

	// busy has no unique_name and no attributes, and more unread messages
	// than the cap.
	anaBusy := withIndex(newParticipant(0xA1021, usAna), 5)
	anaBusy.LastReadTimestamp = new(t0.Add(-30 * time.Minute))
	anaBusy.NotificationLevel = store.NotificationLevelMuted
	busy := newConversation(0xA102, t0.Add(-time.Hour), 5000, anaBusy)

	// empty has no message, yet ana has read index 0.
	empty := newConversation(0xA103, t0.Add(time.Hour), 0, withIndex(newParticipant(0xA1031, usAna), 0))
	empty.UniqueName = new("empty")
	empty.State = store.StateClosed

	// recent's participant changed after the conversation did.
	anaRecent := withIndex(newParticipant(0xA1041, usAna), 3)
	anaRecent.DateUpdated = t0.Add(72 * time.Hour)
	recent := newConversation(0xA104, t0.Add(2*time.Hour), 10, anaRecent)
	recent.UniqueName = new("recent")
	recent.State = store.StateInactive

	others := newConversation(0xA105, t0.Add(3*time.Hour), 1, newParticipant(0xA1051, usAnaMaria))
	others.UniqueName = new("others")

	lookalike := newConversation(0xA106, t0.Add(4*time.Hour), 1, newParticipant(0xA1061, usLookalike))
	lookalike.UniqueName = new(lookalikeUniqueName)

	a2 := newConversation(0xA201, t0, 1, newParticipant(0xA2011, usAnaA2))
	a2.UniqueName = new("general")
	b := newConversation(0xB101, t0, 1, newParticipant(0xB1011, usAnaB))
	b.UniqueName = new("general")

	accountA := newAccount(0xA,
		newService(0xA1, users, general, recent, busy, others, empty, lookalike),
		newService(0xA2, []store.User{newUser(0xA21, "ana")}, a2),
	)
	accountB := newAccount(0xB, newService(0xB1, []store.User{newUser(0xB11, "ana")}, b))
	accountC := newAccount(0xC)
	accountC.APIKeys = nil
	return store.World{Accounts: []store.Account{accountA, accountB, accountC}}
}

func withIndex(p store.Participant, index int) store.Participant {
	p.LastReadMessageIndex = new(index)
	return p
}

// findParticipant returns the conversation holding the participant with SID
// mb in w, and the participant's index in it, for tests to change a copy of
// the world the way the store is expected to.
func findParticipant(w *store.World, mb string) (*store.Conversation, int) {
	for ai := range w.Accounts {
		for si := range w.Accounts[ai].Services {
			svc := &w.Accounts[ai].Services[si]
			for ci := range svc.Conversations {
				for pi, p := range svc.Conversations[ci].Participants {
					if p.SID == mb {
						return &svc.Conversations[ci], pi
					}
				}
			}
		}
	}
	panic("storetest: no participant " + mb)
}

// listWorld holds one user, "lister", with listSize conversations, for
// paging. Creation dates tie in threes, so the SID order matters, and SIDs
// are not in creation order; the World lists conversations in reverse.
// "other" shares every third conversation, and "idle" has none.
const listSize = 23

var (
	usLister = testkit.SID("US", 0x1)
	usOther  = testkit.SID("US", 0x2)
)

func listWorld() store.World {
	var convs []store.Conversation
	for i := listSize - 1; i >= 0; i-- {
		n := 0x100 + (i*7)%listSize
		c := newConversation(n, t0.Add(time.Duration(i/3)*time.Minute), 10, newParticipant(0x1000+n, usLister))
		if i%3 == 0 {
			c.Participants = append(c.Participants, newParticipant(0x2000+n, usOther))
		}
		convs = append(convs, c)
	}
	users := []store.User{newUser(0x1, "lister"), newUser(0x2, "other"), newUser(0x3, "idle")}
	return store.World{Accounts: []store.Account{newAccount(0xA, newService(0xA1, users, convs...))}}
}

// findConversation returns the conversation with SID ch in w.
func findConversation(w *store.World, ch string) *store.Conversation {
	for ai := range w.Accounts {
		for si := range w.Accounts[ai].Services {
			svc := &w.Accounts[ai].Services[si]
			for ci := range svc.Conversations {
				if svc.Conversations[ci].SID == ch {
					return &svc.Conversations[ci]
				}
			}
		}
	}
	panic("storetest: no conversation " + ch)
}
