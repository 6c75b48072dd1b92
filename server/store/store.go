// Package store holds the stub's world (accounts, conversation services,
// users, conversations, participants) and the operations the User
// Conversation handlers need. Transport lives elsewhere: nothing here knows
// about HTTP, URLs or page tokens.
package store

import (
	"context"
	"errors"
	"time"
)

// Sentinel errors; check them with errors.Is.
var (
	// ErrNotFound: the account, service, user, conversation, or the user's
	// participation in the conversation does not exist in the scope.
	ErrNotFound = errors.New("not found")
	// ErrUnauthenticated: the credentials match no account or API key.
	ErrUnauthenticated = errors.New("unauthenticated")
	// ErrInvalidWorld: a World handed to Load breaks an invariant (a
	// duplicate SID, identity or unique_name, a participant of an unknown
	// user, ...). The wrapped message names the offending item.
	ErrInvalidWorld = errors.New("invalid world")
	// ErrSchemaTooNew: a durable store's database has a schema version
	// newer than this binary knows (a newer stub migrated it). The store
	// refuses to open it rather than guess what the newer schema means.
	ErrSchemaTooNew = errors.New("database schema is newer than this binary")
)

// Notification levels and conversation states, as the API spells them.
const (
	NotificationLevelDefault = "default"
	NotificationLevelMuted   = "muted"

	StateInactive = "inactive"
	StateActive   = "active"
	StateClosed   = "closed"
)

// MaxUnreadMessagesCount caps UnreadMessagesCount, as Twilio does.
const MaxUnreadMessagesCount = 1000

// UnreadMessages is a participant's unread count: the messages of a
// conversation of messageCount messages (indexed from 0) after its read
// horizon lastReadIndex, capped at MaxUnreadMessagesCount. Stores derive it
// on every read and never keep it, so it cannot drift from its inputs.
func UnreadMessages(messageCount, lastReadIndex int) int {
	return min(max(messageCount-1-lastReadIndex, 0), MaxUnreadMessagesCount)
}

// Scope addresses one conversation service of one account. An empty Service
// addresses the account's default service: its first one.
type Scope struct {
	Account string
	Service string
}

// UserConversation is one participant's view of its conversation: the
// conversation joined with the participant and its user.
type UserConversation struct {
	AccountSID      string
	ServiceSID      string
	ConversationSID string
	ParticipantSID  string
	UserSID         string

	FriendlyName *string
	UniqueName   *string
	CreatedBy    *string
	Attributes   string // "{}" when the conversation has none
	State        string
	Timers       Timers

	DateCreated time.Time // the conversation's
	DateUpdated time.Time // the later of the conversation's and the participant's

	NotificationLevel    string
	LastReadMessageIndex *int       // nil: no read horizon
	LastReadTimestamp    *time.Time // kept, though the resource does not show it
	UnreadMessagesCount  *int       // nil while LastReadMessageIndex is nil
}

// Timers are when a conversation becomes (or became) inactive and closed.
type Timers struct {
	DateInactive *time.Time
	DateClosed   *time.Time
}

// Update is a partial change to a participant; nil fields are left alone.
type Update struct {
	NotificationLevel *string
	LastReadTimestamp *time.Time
	// SetReadIndex says LastReadMessageIndex is to be written; a nil
	// LastReadMessageIndex then clears the read horizon.
	SetReadIndex         bool
	LastReadMessageIndex *int
}

// Position is where a user conversation stands in its user's list, which is
// ordered by the conversation's creation date, then its SID. A position stays
// meaningful after the item at it is removed, so paging by position neither
// skips nor repeats items when the list changes between pages.
type Position struct {
	DateCreated     time.Time
	ConversationSID string
}

// EndOfList is a position after every item of every list: the page before
// it is a list's last page. (Stored dates end with the year 9999.)
var EndOfList = Position{DateCreated: latestTime}

// PositionOf returns where uc stands in its user's list.
func PositionOf(uc UserConversation) Position {
	return Position{DateCreated: uc.DateCreated, ConversationSID: uc.ConversationSID}
}

// Before reports whether p sorts before q.
func (p Position) Before(q Position) bool {
	if !p.DateCreated.Equal(q.DateCreated) {
		return p.DateCreated.Before(q.DateCreated)
	}
	return p.ConversationSID < q.ConversationSID
}

// Compare returns -1 if p sorts before q, 1 if after, 0 if they are the
// same position: a comparison for slices.SortFunc.
func (p Position) Compare(q Position) int {
	switch {
	case p.Before(q):
		return -1
	case q.Before(p):
		return 1
	}
	return 0
}

// ListQuery selects one page of a user's conversations. At most one of After
// and Before is set; with neither, the page starts Offset items in.
type ListQuery struct {
	Limit  int       // page size, at least 1
	After  *Position // the items after this position
	Before *Position // the last Limit items before this position
	Offset int

	// Items, when not nil, is memory the page's items are written to,
	// from Items[:0], for a caller that reuses it from page to page: the
	// page's Items then share its array (a store grows it when it is too
	// small). The items' pointer fields are fresh either way.
	Items []UserConversation
}

// Page is one page of a user's conversations, in list order.
type Page struct {
	UserSID string // the resolved user, whether addressed by SID or identity
	Items   []UserConversation
	// HasMore: items follow the last one of this page.
	HasMore bool
	// HasEarlier: items precede the first one of this page.
	HasEarlier bool
}

// UserConversations is what the HTTP handlers need. user is a User SID or an
// identity; conversation is a Conversation SID or a unique_name.
type UserConversations interface {
	FetchUserConversation(ctx context.Context, scope Scope, user, conversation string) (UserConversation, error)
	ListUserConversations(ctx context.Context, scope Scope, user string, q ListQuery) (Page, error)
	UpdateUserConversation(ctx context.Context, scope Scope, user, conversation string, u Update) (UserConversation, error)
	RemoveUserConversation(ctx context.Context, scope Scope, user, conversation string) error
}

// Authenticator checks HTTP Basic credentials: an Account SID and its auth
// token, or an API key SID and its secret. It returns the account SID.
type Authenticator interface {
	Authenticate(ctx context.Context, username, password string) (accountSID string, err error)
}

// Versioned is a store that counts its whole-world writes (Load, Modify,
// Seed): the only writes that change credentials. What a process caches about the credentials stays good
// while the version stays the same.
type Versioned interface {
	Version() uint64
}

// Store is everything the stub keeps: the API's data, the credentials, and
// whole-world operations for seeding, resetting and exporting.
type Store interface {
	UserConversations
	Authenticator
	// Load replaces the whole world with w, or leaves it untouched and
	// returns an error wrapping ErrInvalidWorld.
	Load(ctx context.Context, w World) error
	// Snapshot returns a deep copy of the whole world, in the same order
	// Load received it, with every change since applied.
	Snapshot(ctx context.Context) (World, error)
	// Modify replaces the world with change(a snapshot of it), atomically:
	// no other write lands between the snapshot and the replacement. If
	// change fails, or its world breaks an invariant (ErrInvalidWorld), the
	// world is left untouched and the error returned.
	Modify(ctx context.Context, change func(World) (World, error)) error
}
