package memory

import (
	"fmt"
	"time"

	"github.com/twilio-stubs/userconversations/server/store"
)

// build validates w and indexes a deep copy of it. It never touches the
// store, so a World that breaks an invariant leaves the current one alone.
func build(w store.World) (*world, error) {
	b := builder{
		w: &world{
			accounts:     make([]*account, 0, len(w.Accounts)),
			accountBySID: make(map[string]*account, len(w.Accounts)),
			apiKeyBySID:  make(map[string]apiKey),
			serviceBySID: make(map[string]*service),
		},
		participantSIDs: make(map[string]struct{}),
	}
	for i, a := range w.Accounts {
		if err := b.account(fmt.Sprintf("accounts[%d]", i), a); err != nil {
			return nil, err
		}
	}
	sizes := &b.w.sizes
	sizes.Accounts = len(b.w.accounts)
	for _, a := range b.w.accounts {
		for _, s := range a.services {
			sizes.Users += len(s.users)
			sizes.Conversations += len(s.conversations)
			for _, u := range s.users {
				u.sortParts()
				sizes.UserConversations += len(u.parts)
			}
		}
	}
	return b.w, nil
}

// builder holds what validation needs beyond the world's own indexes.
type builder struct {
	w *world
	// participantSIDs are unique across the world, yet no operation looks a
	// participant up by SID, so this set lives only while loading.
	participantSIDs map[string]struct{}
}

// invalid reports a broken invariant at path, the item's place in the
// World: accounts[0].services[1].users[2].
func invalid(path, format string, args ...any) error {
	return fmt.Errorf("%w: %s: %s", store.ErrInvalidWorld, path, fmt.Sprintf(format, args...))
}

// checkSID rejects a SID without the shape the API's schema requires, since
// responses carry it.
func checkSID(sid, prefix string) error {
	if !store.IsSID(sid, prefix) {
		return fmt.Errorf("SID %q is not %s followed by 32 hex digits", sid, prefix)
	}
	return nil
}

func (b *builder) account(path string, a store.Account) error {
	if err := checkSID(a.SID, "AC"); err != nil {
		return invalid(path, "%v", err)
	}
	if _, dup := b.w.accountBySID[a.SID]; dup {
		return invalid(path, "duplicate account SID %q", a.SID)
	}
	acct := &account{
		sid:       a.SID,
		authToken: a.AuthToken,
		apiKeys:   append([]store.APIKey(nil), a.APIKeys...),
		services:  make([]*service, 0, len(a.Services)),
	}
	b.w.accounts = append(b.w.accounts, acct)
	b.w.accountBySID[a.SID] = acct
	for i, k := range a.APIKeys {
		at := fmt.Sprintf("%s.apiKeys[%d]", path, i)
		if err := checkSID(k.SID, "SK"); err != nil {
			return invalid(at, "%v", err)
		}
		if _, dup := b.w.apiKeyBySID[k.SID]; dup {
			return invalid(at, "duplicate API key SID %q", k.SID)
		}
		b.w.apiKeyBySID[k.SID] = apiKey{secret: k.Secret, account: acct}
	}
	for i, s := range a.Services {
		if err := b.service(fmt.Sprintf("%s.services[%d]", path, i), acct, s); err != nil {
			return err
		}
	}
	return nil
}

func (b *builder) service(path string, acct *account, s store.Service) error {
	if err := checkSID(s.SID, "IS"); err != nil {
		return invalid(path, "%v", err)
	}
	if _, dup := b.w.serviceBySID[s.SID]; dup {
		return invalid(path, "duplicate service SID %q", s.SID)
	}
	svc := &service{
		sid:                      s.SID,
		account:                  acct,
		users:                    make([]*user, 0, len(s.Users)),
		userBySID:                make(map[string]*user, len(s.Users)),
		userByIdentity:           make(map[string]*user, len(s.Users)),
		conversations:            make([]*conversation, 0, len(s.Conversations)),
		conversationBySID:        make(map[string]*conversation, len(s.Conversations)),
		conversationByUniqueName: make(map[string]*conversation),
	}
	acct.services = append(acct.services, svc)
	b.w.serviceBySID[s.SID] = svc
	for i, u := range s.Users {
		if err := addUser(svc, u); err != nil {
			return invalid(fmt.Sprintf("%s.users[%d]", path, i), "%v", err)
		}
	}
	for i, c := range s.Conversations {
		if err := b.conversation(fmt.Sprintf("%s.conversations[%d]", path, i), svc, c); err != nil {
			return err
		}
	}
	return nil
}

// addUser returns a bare reason; the caller knows the path. Paths are built
// only on error, so loading 100,000 users formats no strings.
func addUser(svc *service, u store.User) error {
	if err := checkSID(u.SID, "US"); err != nil {
		return err
	}
	switch {
	case svc.userBySID[u.SID] != nil:
		return fmt.Errorf("duplicate user SID %q", u.SID)
	case u.Identity == "":
		return fmt.Errorf("user %q has an empty identity", u.SID)
	case svc.userByIdentity[u.Identity] != nil:
		return fmt.Errorf("duplicate identity %q", u.Identity)
	}
	usr := &user{sid: u.SID, identity: u.Identity}
	svc.users = append(svc.users, usr)
	svc.userBySID[u.SID] = usr
	svc.userByIdentity[u.Identity] = usr
	return nil
}

func (b *builder) conversation(path string, svc *service, c store.Conversation) error {
	conv, err := newConversation(svc, c)
	if err != nil {
		return invalid(path, "%v", err)
	}
	svc.conversations = append(svc.conversations, conv)
	svc.conversationBySID[c.SID] = conv
	if c.UniqueName != nil {
		svc.conversationByUniqueName[*c.UniqueName] = conv
	}
	conv.parts = make([]*participant, 0, len(c.Participants))
	for i, p := range c.Participants {
		if err := b.participant(svc, conv, p); err != nil {
			return invalid(fmt.Sprintf("%s.participants[%d]", path, i), "%v", err)
		}
	}
	return nil
}

func newConversation(svc *service, c store.Conversation) (*conversation, error) {
	if err := checkSID(c.SID, "CH"); err != nil {
		return nil, err
	}
	switch {
	case svc.conversationBySID[c.SID] != nil:
		return nil, fmt.Errorf("duplicate conversation SID %q", c.SID)
	case c.UniqueName != nil && *c.UniqueName == "":
		return nil, fmt.Errorf("conversation %q has an empty unique_name", c.SID)
	case c.UniqueName != nil && svc.conversationByUniqueName[*c.UniqueName] != nil:
		return nil, fmt.Errorf("duplicate unique_name %q", *c.UniqueName)
	case !store.ValidState(c.State):
		return nil, fmt.Errorf("conversation %q: invalid state %q", c.SID, c.State)
	case c.MessageCount < 0:
		return nil, fmt.Errorf("conversation %q: negative message count %d", c.SID, c.MessageCount)
	}
	for _, t := range [...]struct {
		name string
		at   *time.Time
	}{{"date_created", &c.DateCreated}, {"date_updated", &c.DateUpdated}, {"timers.date_inactive", c.Timers.DateInactive}, {"timers.date_closed", c.Timers.DateClosed}} {
		if t.at != nil && !store.ValidTime(*t.at) {
			return nil, fmt.Errorf("conversation %q: %s is not %s", c.SID, t.name, store.TimeRange)
		}
	}
	meta := cloneConversation(c)
	meta.State = internState(c.State)
	return &conversation{meta: meta}, nil
}

func (b *builder) participant(svc *service, conv *conversation, p store.Participant) error {
	if err := checkSID(p.SID, "MB"); err != nil {
		return err
	}
	usr := svc.userBySID[p.UserSID]
	switch {
	case usr == nil:
		return fmt.Errorf("user %q not in service", p.UserSID)
	case !store.ValidNotificationLevel(p.NotificationLevel):
		return fmt.Errorf("participant %q: invalid notification level %q", p.SID, p.NotificationLevel)
	case p.LastReadMessageIndex != nil && *p.LastReadMessageIndex < 0:
		return fmt.Errorf("participant %q: negative last read message index %d", p.SID, *p.LastReadMessageIndex)
	}
	switch {
	case !store.ValidTime(p.DateUpdated):
		return fmt.Errorf("participant %q: date_updated is not %s", p.SID, store.TimeRange)
	case p.LastReadTimestamp != nil && !store.ValidTime(*p.LastReadTimestamp):
		return fmt.Errorf("participant %q: last_read_timestamp is not %s", p.SID, store.TimeRange)
	}
	if _, dup := b.participantSIDs[p.SID]; dup {
		return fmt.Errorf("duplicate participant SID %q", p.SID)
	}
	// A conversation's participants are appended one after the other, so a
	// user already in conv is the last entry of its (not yet sorted) list.
	if n := len(usr.parts); n > 0 && usr.parts[n-1].conv == conv {
		return fmt.Errorf("user %q is already a participant", p.UserSID)
	}
	b.participantSIDs[p.SID] = struct{}{}
	part := &participant{
		sid:       p.SID,
		user:      usr,
		conv:      conv,
		level:     internLevel(p.NotificationLevel),
		readIndex: noReadIndex,
		readAt:    clonePtr(p.LastReadTimestamp),
		updated:   p.DateUpdated,
	}
	if p.LastReadMessageIndex != nil {
		part.readIndex = *p.LastReadMessageIndex
	}
	conv.parts = append(conv.parts, part)
	usr.parts = append(usr.parts, part)
	return nil
}

// internLevel and internState return the package constant equal to a valid
// s, so that 100,000 participants share one string instead of holding a
// copy each (a World decoded from JSON has a fresh string per field).
func internLevel(s string) string {
	if s == store.NotificationLevelMuted {
		return store.NotificationLevelMuted
	}
	return store.NotificationLevelDefault
}

func internState(s string) string {
	switch s {
	case store.StateInactive:
		return store.StateInactive
	case store.StateClosed:
		return store.StateClosed
	}
	return store.StateActive
}
