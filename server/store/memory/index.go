package memory

import (
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/twilio-stubs/userconversations/server/store"
)

// world is the loaded state. Its slices keep the order Load received, which
// Snapshot gives back; its maps and each user's sorted participations serve
// the lookups. Strings are shared between an item and the map keys that
// index it, never copied.
type world struct {
	accounts     []*account
	accountBySID map[string]*account
	apiKeyBySID  map[string]apiKey   // across all accounts
	serviceBySID map[string]*service // across all accounts
	// sizes counts the items, for Store.Sizes; build counts them, and
	// every write that adds or removes one adjusts them.
	sizes store.Sizes
}

type apiKey struct {
	secret  string
	account *account
}

type account struct {
	sid       string
	authToken string
	apiKeys   []store.APIKey
	services  []*service // the first is the default
}

type service struct {
	sid     string
	account *account

	users          []*user
	userBySID      map[string]*user
	userByIdentity map[string]*user

	conversations            []*conversation
	conversationBySID        map[string]*conversation
	conversationByUniqueName map[string]*conversation
}

type user struct {
	sid      string
	identity string
	// parts is the user's list: its participations sorted by position, so
	// that paging and finding one conversation are binary searches.
	parts []*participant
}

type conversation struct {
	meta  store.Conversation // Participants is always nil: see parts
	parts []*participant     // in Load's order
}

// noReadIndex in participant.readIndex means no read horizon. A sentinel
// rather than a *int spares an allocation per participant; indexes are never
// negative.
const noReadIndex = -1

type participant struct {
	sid       string
	user      *user
	conv      *conversation
	level     string // one of the store.NotificationLevel constants
	readIndex int
	readAt    *time.Time
	updated   time.Time
}

func (c *conversation) position() store.Position {
	return store.Position{DateCreated: c.meta.DateCreated, ConversationSID: c.meta.SID}
}

// atOrAfter returns the index in u.parts of the first participation at or
// after pos, len(u.parts) if none.
func (u *user) atOrAfter(pos store.Position) int {
	return sort.Search(len(u.parts), func(i int) bool {
		return !u.parts[i].conv.position().Before(pos)
	})
}

// after returns the index in u.parts of the first participation strictly
// after pos, len(u.parts) if none.
func (u *user) after(pos store.Position) int {
	return sort.Search(len(u.parts), func(i int) bool {
		return pos.Before(u.parts[i].conv.position())
	})
}

// find returns the index in u.parts of u's participation in c, or -1.
func (u *user) find(c *conversation) int {
	i := u.atOrAfter(c.position())
	if i < len(u.parts) && u.parts[i].conv == c {
		return i
	}
	return -1
}

// sortParts puts u.parts in list order; Load appends them in world order.
func (u *user) sortParts() {
	slices.SortFunc(u.parts, func(a, b *participant) int {
		return comparePositions(a.conv, b.conv)
	})
}

// comparePositions is a.position().Compare(b.position()), without
// building the two Positions: sorting a million participations calls it
// millions of times.
func comparePositions(a, b *conversation) int {
	if c := a.meta.DateCreated.Compare(b.meta.DateCreated); c != 0 {
		return c
	}
	return strings.Compare(a.meta.SID, b.meta.SID)
}

// remove deletes the participation at index i of u.parts from both u's list
// and its conversation.
func (u *user) remove(i int) {
	p := u.parts[i]
	u.parts = slices.Delete(u.parts, i, i+1)
	// A conversation's participants are few next to a user's list, and
	// keeping them in Load's order (for Snapshot) rules out a swap-delete.
	c := p.conv
	c.parts = slices.DeleteFunc(c.parts, func(q *participant) bool { return q == p })
}
