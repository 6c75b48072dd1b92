package store

import (
	"slices"
	"time"
)

// World is the complete, fully specified state of the stub: every SID set,
// every default filled in. The fixtures package builds it from a fixture
// document; Snapshot gives it back.
type World struct {
	Accounts []Account
}

// Account is a Twilio account (tenant). Its first service is its default.
type Account struct {
	SID       string // AC...
	AuthToken string
	APIKeys   []APIKey
	Services  []Service
}

// APIKey is an API key of an account: its SID (SK...) and secret.
type APIKey struct {
	SID    string
	Secret string
}

// Service is a conversation service (IS...).
type Service struct {
	SID           string
	Users         []User
	Conversations []Conversation
}

// User is a Conversations user (US...), unique in its service by identity.
type User struct {
	SID      string
	Identity string
}

// Conversation is a conversation (CH...). Its messages are indexed
// 0..MessageCount-1.
type Conversation struct {
	SID          string
	UniqueName   *string // unique in its service when set
	FriendlyName *string
	State        string
	Attributes   string
	CreatedBy    *string
	DateCreated  time.Time
	DateUpdated  time.Time
	Timers       Timers
	MessageCount int
	Participants []Participant
}

// Participant is one user's membership (MB...) in a conversation; a user is
// a participant of a conversation at most once.
type Participant struct {
	SID                  string
	UserSID              string
	LastReadMessageIndex *int
	LastReadTimestamp    *time.Time
	NotificationLevel    string
	DateUpdated          time.Time
}

// Clone returns a deep copy of w: nothing in it aliases w.
func (w World) Clone() World {
	out := World{Accounts: slices.Clone(w.Accounts)}
	for i := range out.Accounts {
		a := &out.Accounts[i]
		a.APIKeys = slices.Clone(a.APIKeys)
		a.Services = slices.Clone(a.Services)
		for j := range a.Services {
			s := &a.Services[j]
			s.Users = slices.Clone(s.Users)
			s.Conversations = slices.Clone(s.Conversations)
			for k := range s.Conversations {
				c := &s.Conversations[k]
				c.UniqueName = clonePtr(c.UniqueName)
				c.FriendlyName = clonePtr(c.FriendlyName)
				c.CreatedBy = clonePtr(c.CreatedBy)
				c.Timers.DateInactive = clonePtr(c.Timers.DateInactive)
				c.Timers.DateClosed = clonePtr(c.Timers.DateClosed)
				c.Participants = slices.Clone(c.Participants)
				for l := range c.Participants {
					p := &c.Participants[l]
					p.LastReadMessageIndex = clonePtr(p.LastReadMessageIndex)
					p.LastReadTimestamp = clonePtr(p.LastReadTimestamp)
				}
			}
		}
	}
	return out
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}
