package store

import "time"

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
