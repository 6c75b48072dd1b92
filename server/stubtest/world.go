package stubtest

import (
	fixturesgen "github.com/twilio-stubs/userconversations/gen/fixtures"
	"github.com/twilio-stubs/userconversations/server/fixtures"
	"github.com/twilio-stubs/userconversations/server/store"
)

// The credentials of a World's account unless it says otherwise.
const (
	DefaultAccountSID = "AC00000000000000000000000000000000"
	DefaultAuthToken  = "stubtestauthtoken"
)

// World is a world written in Go: one account with one conversation service,
// its users and its conversations. SIDs, dates and everything left out get
// the defaults a fixture file gets (docs/fixtures.md), and a World is
// checked as a fixture file is: an error names the fixture field at fault,
// such as accounts[0].services[0].conversations[0].participants[1].user.
//
// For several accounts or services, write the whole fixture document
// (gen/fixtures) and use WithFixtureDocument.
type World struct {
	// AccountSID and AuthToken are the account's credentials;
	// DefaultAccountSID and DefaultAuthToken if left out.
	AccountSID, AuthToken string
	// ServiceSID is the conversation service's SID; derived if left out.
	ServiceSID string
	// Users are the users' identities, in order. A member's user must be
	// one of them.
	Users []string
	// Conversations are listed in order: each is created a minute after
	// the one before, so that a user's list follows it.
	Conversations []Conversation
}

// Conversation is a conversation of a World.
type Conversation struct {
	// UniqueName addresses the conversation in URLs in place of its SID.
	UniqueName string
	// SID is derived from the unique name if left out.
	SID          string
	FriendlyName string
	// Messages is how many messages it holds, indexed 0..Messages-1.
	Messages int
	// State is "active" (if left out), "inactive" or "closed".
	State string
	// Attributes is a JSON object; "{}" if left out.
	Attributes string
	Members    []Member
}

// Member is a user taking part in a conversation.
type Member struct {
	// User is the user's identity.
	User string
	// ReadUpTo is the index of the last message the user read; nil if the
	// user never read any (unread_messages_count is then null).
	ReadUpTo *int
	// Muted sets the notification level to "muted" rather than "default".
	Muted bool
}

// Document returns w as a fixture document, defaults left out.
func (w World) Document() fixturesgen.Fixtures {
	account := fixturesgen.Account{Sid: w.AccountSID, AuthToken: w.AuthToken}
	if account.Sid == "" {
		account.Sid = DefaultAccountSID
	}
	if account.AuthToken == "" {
		account.AuthToken = DefaultAuthToken
	}
	service := fixturesgen.Service{Sid: w.ServiceSID}
	for _, identity := range w.Users {
		service.Users = append(service.Users, fixturesgen.User{Identity: identity})
	}
	for _, c := range w.Conversations {
		conv := fixturesgen.Conversation{
			Sid:          c.SID,
			UniqueName:   optional(c.UniqueName),
			FriendlyName: optional(c.FriendlyName),
			MessageCount: c.Messages,
			State:        fixturesgen.ConversationState(c.State),
			Attributes:   c.Attributes,
		}
		for _, m := range c.Members {
			p := fixturesgen.Participant{User: m.User, LastReadMessageIndex: m.ReadUpTo}
			if m.Muted {
				p.NotificationLevel = fixturesgen.NotificationLevelMuted
			}
			conv.Participants = append(conv.Participants, p)
		}
		service.Conversations = append(service.Conversations, conv)
	}
	account.Services = []fixturesgen.Service{service}
	return fixturesgen.Fixtures{Accounts: []fixturesgen.Account{account}}
}

// Build returns the fully specified world w describes, or every problem
// with it (each a *fixtures.FieldError).
func (w World) Build() (store.World, error) {
	return fixtures.FromDocument(w.Document())
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
