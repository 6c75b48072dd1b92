package store

import (
	"fmt"
	"strconv"
	"time"
)

// Validate returns nil if w keeps every invariant a store relies on, or an
// error wrapping ErrInvalidWorld that names the first offending item by its
// place in w (accounts[0].services[1].users[2]: duplicate identity "ana").
//
// The invariants: every SID has its kind's shape (IsSID); account, API key,
// service and participant SIDs are unique in the world; user SIDs and
// identities, conversation SIDs and unique_names are unique in their
// service, and neither an identity nor a unique_name is empty; states and
// notification levels are ones the API knows; message counts and read
// indexes are not negative; a participant's user is in the conversation's
// service, and takes part in it once.
//
// Every store validates with this one function, so that a world one store
// accepts, every store accepts. It costs one pass over w with sets sized up
// front: no allocation per item, and paths are formatted only on error.
func (w World) Validate() error {
	v := newValidator(w)
	for i := range w.Accounts {
		if err := v.account(i, &w.Accounts[i]); err != nil {
			return err
		}
	}
	return nil
}

// validator holds the sets of what must be unique across the world.
type validator struct {
	accounts, apiKeys, services, participants set
}

type set map[string]struct{}

// add reports whether s was not yet in the set, and adds it.
func (m set) add(s string) bool {
	n := len(m)
	m[s] = struct{}{}
	return len(m) > n
}

func newValidator(w World) *validator {
	var keys, services, participants int
	for _, a := range w.Accounts {
		keys += len(a.APIKeys)
		services += len(a.Services)
		for _, s := range a.Services {
			for _, c := range s.Conversations {
				participants += len(c.Participants)
			}
		}
	}
	return &validator{
		accounts:     make(set, len(w.Accounts)),
		apiKeys:      make(set, keys),
		services:     make(set, services),
		participants: make(set, participants),
	}
}

// path is an item's place in a World, formatted only when it is reported.
type path []struct {
	field string
	index int
}

func (p path) String() string {
	var b []byte
	for i, step := range p {
		if i > 0 {
			b = append(b, '.')
		}
		b = append(b, step.field...)
		b = append(b, '[')
		b = strconv.AppendInt(b, int64(step.index), 10)
		b = append(b, ']')
	}
	return string(b)
}

// at returns p extended by field[index], in a new slice: p is shared by the
// items below it.
func (p path) at(field string, index int) path {
	out := make(path, len(p), len(p)+1)
	copy(out, p)
	return append(out, struct {
		field string
		index int
	}{field, index})
}

// invalid reports a broken invariant at p.
func invalid(p path, format string, args ...any) error {
	return fmt.Errorf("%w: %s: %s", ErrInvalidWorld, p, fmt.Sprintf(format, args...))
}

// checkSID rejects a SID without the shape the API's schema requires, since
// responses carry it.
func checkSID(sid, prefix string) error {
	if !IsSID(sid, prefix) {
		return fmt.Errorf("SID %q is not %s followed by 32 hex digits", sid, prefix)
	}
	return nil
}

func (v *validator) account(i int, a *Account) error {
	if err := checkSID(a.SID, "AC"); err != nil {
		return invalid(path{{"accounts", i}}, "%v", err)
	}
	if !v.accounts.add(a.SID) {
		return invalid(path{{"accounts", i}}, "duplicate account SID %q", a.SID)
	}
	for k, key := range a.APIKeys {
		if err := checkSID(key.SID, "SK"); err != nil {
			return invalid(path{{"accounts", i}, {"apiKeys", k}}, "%v", err)
		}
		if !v.apiKeys.add(key.SID) {
			return invalid(path{{"accounts", i}, {"apiKeys", k}}, "duplicate API key SID %q", key.SID)
		}
	}
	for j := range a.Services {
		if err := v.service(path{{"accounts", i}, {"services", j}}, &a.Services[j]); err != nil {
			return err
		}
	}
	return nil
}

// serviceSets are what must be unique in one service. users maps a user's
// SID to its index in the service, which lastConversation is indexed by.
type serviceSets struct {
	users       map[string]int
	identities  set
	convs       set
	uniqueNames set
	// lastConversation[u] is 1 + the index of the last conversation user u
	// was seen taking part in: a user twice in one conversation is then
	// found without a set per conversation.
	lastConversation []int
}

func (v *validator) service(at path, s *Service) error {
	if err := checkSID(s.SID, "IS"); err != nil {
		return invalid(at, "%v", err)
	}
	if !v.services.add(s.SID) {
		return invalid(at, "duplicate service SID %q", s.SID)
	}
	sets := serviceSets{
		users:            make(map[string]int, len(s.Users)),
		identities:       make(set, len(s.Users)),
		convs:            make(set, len(s.Conversations)),
		uniqueNames:      make(set),
		lastConversation: make([]int, len(s.Users)),
	}
	for i, u := range s.Users {
		if err := sets.user(i, u); err != nil {
			return invalid(at.at("users", i), "%v", err)
		}
	}
	for i := range s.Conversations {
		if err := v.conversation(at, i, &s.Conversations[i], &sets); err != nil {
			return err
		}
	}
	return nil
}

// user returns a bare reason; the caller knows the path.
func (sets *serviceSets) user(i int, u User) error {
	if err := checkSID(u.SID, "US"); err != nil {
		return err
	}
	if _, dup := sets.users[u.SID]; dup {
		return fmt.Errorf("duplicate user SID %q", u.SID)
	}
	if u.Identity == "" {
		return fmt.Errorf("user %q has an empty identity", u.SID)
	}
	if !sets.identities.add(u.Identity) {
		return fmt.Errorf("duplicate identity %q", u.Identity)
	}
	sets.users[u.SID] = i
	return nil
}

func (v *validator) conversation(service path, i int, c *Conversation, sets *serviceSets) error {
	if err := sets.conversation(c); err != nil {
		return invalid(service.at("conversations", i), "%v", err)
	}
	for j, p := range c.Participants {
		if err := v.participant(i, p, sets); err != nil {
			return invalid(service.at("conversations", i).at("participants", j), "%v", err)
		}
	}
	return nil
}

func (sets *serviceSets) conversation(c *Conversation) error {
	if err := checkSID(c.SID, "CH"); err != nil {
		return err
	}
	switch {
	case !sets.convs.add(c.SID):
		return fmt.Errorf("duplicate conversation SID %q", c.SID)
	case c.UniqueName != nil && *c.UniqueName == "":
		return fmt.Errorf("conversation %q has an empty unique_name", c.SID)
	case c.UniqueName != nil && !sets.uniqueNames.add(*c.UniqueName):
		return fmt.Errorf("duplicate unique_name %q", *c.UniqueName)
	case !ValidState(c.State):
		return fmt.Errorf("conversation %q: invalid state %q", c.SID, c.State)
	case c.MessageCount < 0:
		return fmt.Errorf("conversation %q: negative message count %d", c.SID, c.MessageCount)
	}
	for _, t := range [...]struct {
		name string
		at   *time.Time
	}{{"date_created", &c.DateCreated}, {"date_updated", &c.DateUpdated}, {"timers.date_inactive", c.Timers.DateInactive}, {"timers.date_closed", c.Timers.DateClosed}} {
		if t.at != nil && !ValidTime(*t.at) {
			return fmt.Errorf("conversation %q: %s is not %s", c.SID, t.name, TimeRange)
		}
	}
	return nil
}

// participant checks p, a participant of the service's conversation conv.
func (v *validator) participant(conv int, p Participant, sets *serviceSets) error {
	if err := checkSID(p.SID, "MB"); err != nil {
		return err
	}
	u, ok := sets.users[p.UserSID]
	switch {
	case !ok:
		return fmt.Errorf("user %q not in service", p.UserSID)
	case !ValidNotificationLevel(p.NotificationLevel):
		return fmt.Errorf("participant %q: invalid notification level %q", p.SID, p.NotificationLevel)
	case p.LastReadMessageIndex != nil && *p.LastReadMessageIndex < 0:
		return fmt.Errorf("participant %q: negative last read message index %d", p.SID, *p.LastReadMessageIndex)
	case !ValidTime(p.DateUpdated):
		return fmt.Errorf("participant %q: date_updated is not %s", p.SID, TimeRange)
	case p.LastReadTimestamp != nil && !ValidTime(*p.LastReadTimestamp):
		return fmt.Errorf("participant %q: last_read_timestamp is not %s", p.SID, TimeRange)
	case !v.participants.add(p.SID):
		return fmt.Errorf("duplicate participant SID %q", p.SID)
	case sets.lastConversation[u] == conv+1:
		return fmt.Errorf("user %q is already a participant", p.UserSID)
	}
	sets.lastConversation[u] = conv + 1
	return nil
}
