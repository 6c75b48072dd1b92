// Package recording turns what proxy mode sees of the upstream into a
// world: every user conversation an answer shows (fetched, listed,
// updated) is kept as it was last seen, and a participation the upstream
// deleted is dropped. World (or Fixtures) writes it as a fixture document
// that a stub started with --fixtures serves offline, answering the same
// requests with the same bodies.
//
// A user conversation shows most of the world, and this package derives
// the rest:
//
//   - identities and unique names: from requests that addressed a user or
//     conversation by name and were answered with its SID;
//   - a conversation's message count, which no answer shows: the smallest
//     count consistent with every read horizon seen, last_read_message_index
//   - 1 + unread_messages_count;
//   - a conversation's date_updated: the earliest a participant showed, so
//     that each participant's own (the later of the two) is what it showed;
//   - the account's default service: the one /v1/Users/... answers came
//     from.
//
// No secret is ever recorded: accounts and API keys get PlaceholderSecret.
package recording

import (
	"cmp"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/twilio-stubs/userconversations/gen/conversations"
	fixturesgen "github.com/twilio-stubs/userconversations/gen/fixtures"
	"github.com/twilio-stubs/userconversations/server/fixtures"
	"github.com/twilio-stubs/userconversations/server/store"
)

// PlaceholderSecret is the auth token of every recorded account and the
// secret of every recorded API key: set the real ones before replaying.
const PlaceholderSecret = "replaceme"

// UnknownIdentityPrefix starts the identity of a user never addressed by
// name: the fixture format needs one, and no request seen used it.
const UnknownIdentityPrefix = "unknown-"

// Recorder keeps the world as the upstream showed it. It is safe for
// concurrent use.
type Recorder struct {
	mu       sync.Mutex
	accounts map[string]*account
	keys     map[string]string // API key SID -> account SID
	changed  chan struct{}
}

type account struct {
	sid            string
	apiKeys        map[string]bool
	defaultService string
	services       map[string]*service
}

type service struct {
	sid           string
	identities    map[string]string // user SID -> identity; "" unknown
	users         map[string]string // identity -> user SID
	conversations map[string]*conversation
	uniqueNames   map[string]string // unique_name -> conversation SID
}

type conversation struct {
	sid          string
	uniqueName   *string
	friendlyName *string
	createdBy    *string
	state        string
	attributes   string
	dateCreated  time.Time
	timers       store.Timers
	messageCount int
	participants map[string]*participant // by user SID
}

type participant struct {
	sid         string
	userSID     string
	lastRead    *int
	level       string
	dateUpdated time.Time
}

// New returns an empty Recorder.
func New() *Recorder {
	return &Recorder{
		accounts: map[string]*account{},
		keys:     map[string]string{},
		changed:  make(chan struct{}, 1),
	}
}

// Changed receives after the recording changed (at most one pending
// signal): a writer of the recording file waits on it.
func (r *Recorder) Changed() <-chan struct{} { return r.changed }

func (r *Recorder) signal() {
	select {
	case r.changed <- struct{}{}:
	default:
	}
}

// Request is what a recorded answer's request said: the HTTP Basic user
// name, and the path's parameters as sent (unescaped).
type Request struct {
	// Username is the HTTP Basic user name: an Account SID or an API key
	// SID; "" or anything else names no account.
	Username string
	// Service is the ChatServiceSid of a /v1/Services/... path; "" for
	// the default service's /v1/Users/... paths.
	Service string
	// User is the UserSid parameter: a User SID or an identity.
	User string
	// Conversation is the ConversationSid parameter: a Conversation SID
	// or a unique name; "" for a list.
	Conversation string
}

// Saw records a user conversation an answer showed (a fetch's, an
// update's). One missing a SID or its date_created is not recorded: no
// world could hold it.
func (r *Recorder) Saw(req Request, uc conversations.UserConversation) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.saw(req, uc) {
		r.signal()
	}
}

// SawPage records every user conversation of a list page; skip, if not
// nil, leaves out the items at the indexes it names (items that break the
// spec).
func (r *Recorder) SawPage(req Request, page conversations.UserConversationPage, skip func(index int) bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	changed := false
	for i, uc := range page.Conversations {
		if skip == nil || !skip(i) {
			changed = r.saw(req, uc) || changed
		}
	}
	if changed {
		r.signal()
	}
}

func (r *Recorder) saw(req Request, uc conversations.UserConversation) bool {
	if uc.AccountSid == nil || uc.ChatServiceSid == nil || uc.ConversationSid == nil ||
		uc.ParticipantSid == nil || uc.UserSid == nil || uc.DateCreated == nil {
		return false
	}
	acct := r.account(*uc.AccountSid)
	if store.IsSID(req.Username, "SK") {
		acct.apiKeys[req.Username] = true
		r.keys[req.Username] = acct.sid
	}
	if req.Service == "" {
		acct.defaultService = *uc.ChatServiceSid
	}
	svc := acct.service(*uc.ChatServiceSid)
	userSID := *uc.UserSid
	if _, ok := svc.identities[userSID]; !ok {
		svc.identities[userSID] = ""
	}
	if !store.IsSID(req.User, "US") && req.User != "" {
		svc.setIdentity(userSID, req.User)
	}

	conv := svc.conversation(*uc.ConversationSid)
	conv.dateCreated = uc.DateCreated.UTC().Truncate(time.Second)
	conv.friendlyName = clone(uc.FriendlyName)
	conv.createdBy = clone(uc.CreatedBy)
	conv.state = cmp.Or(string(uc.ConversationState), store.StateActive)
	conv.attributes = "{}"
	if uc.Attributes != nil {
		conv.attributes = *uc.Attributes
	}
	conv.timers = store.Timers{}
	if t := uc.Timers; t != nil {
		conv.timers = store.Timers{DateInactive: utcSecond(t.DateInactive), DateClosed: utcSecond(t.DateClosed)}
	}
	svc.setUniqueName(conv, uc.UniqueName)

	p := &participant{
		sid:      *uc.ParticipantSid,
		userSID:  userSID,
		lastRead: clone(uc.LastReadMessageIndex),
		level:    cmp.Or(string(uc.NotificationLevel), store.NotificationLevelDefault),
	}
	if uc.DateUpdated != nil {
		p.dateUpdated = uc.DateUpdated.UTC().Truncate(time.Second)
	}
	conv.participants[userSID] = p
	if p.lastRead != nil {
		// The smallest count that gives this unread count: messages are
		// indexed from 0, and a count at the cap (1000) may hide more.
		count := *p.lastRead + 1
		if uc.UnreadMessagesCount != nil {
			count += *uc.UnreadMessagesCount
		}
		conv.messageCount = max(conv.messageCount, count)
	}
	return true
}

// Removed records that the upstream deleted the participation a request
// addressed (a 204 to DELETE). A participation never seen is ignored.
func (r *Recorder) Removed(req Request) {
	r.mu.Lock()
	defer r.mu.Unlock()
	svc := r.serviceOf(req)
	if svc == nil {
		return
	}
	userSID := req.User
	if !store.IsSID(userSID, "US") {
		userSID = svc.users[req.User]
	}
	convSID := req.Conversation
	if !store.IsSID(convSID, "CH") {
		convSID = svc.uniqueNames[req.Conversation]
	}
	conv := svc.conversations[convSID]
	if conv == nil || conv.participants[userSID] == nil {
		return
	}
	delete(conv.participants, userSID)
	r.signal()
}

// serviceOf finds the service a request addressed: by its SID on a
// /v1/Services/... path, or as the default service of the account its
// user name names.
func (r *Recorder) serviceOf(req Request) *service {
	if req.Service != "" {
		for _, acct := range r.accounts {
			if svc := acct.services[req.Service]; svc != nil {
				return svc
			}
		}
		return nil
	}
	sid := req.Username
	if store.IsSID(sid, "SK") {
		sid = r.keys[sid]
	}
	acct := r.accounts[sid]
	if acct == nil || acct.defaultService == "" {
		return nil
	}
	return acct.services[acct.defaultService]
}

func (r *Recorder) account(sid string) *account {
	acct := r.accounts[sid]
	if acct == nil {
		acct = &account{sid: sid, apiKeys: map[string]bool{}, services: map[string]*service{}}
		r.accounts[sid] = acct
	}
	return acct
}

func (a *account) service(sid string) *service {
	svc := a.services[sid]
	if svc == nil {
		svc = &service{
			sid:           sid,
			identities:    map[string]string{},
			users:         map[string]string{},
			conversations: map[string]*conversation{},
			uniqueNames:   map[string]string{},
		}
		a.services[sid] = svc
	}
	return svc
}

func (s *service) conversation(sid string) *conversation {
	conv := s.conversations[sid]
	if conv == nil {
		conv = &conversation{sid: sid, participants: map[string]*participant{}}
		s.conversations[sid] = conv
	}
	return conv
}

// setIdentity names a user. An identity is unique in its service: a user
// that held it before (one deleted and made again upstream, say) is no
// longer known by it.
func (s *service) setIdentity(userSID, identity string) {
	if old := s.identities[userSID]; old != "" && old != identity {
		delete(s.users, old)
	}
	if other, ok := s.users[identity]; ok && other != userSID {
		s.identities[other] = ""
	}
	s.identities[userSID] = identity
	s.users[identity] = userSID
}

// setUniqueName gives conv the unique name its latest answer showed; like
// an identity, it is unique in the service.
func (s *service) setUniqueName(conv *conversation, name *string) {
	if conv.uniqueName != nil && (name == nil || *conv.uniqueName != *name) {
		delete(s.uniqueNames, *conv.uniqueName)
	}
	conv.uniqueName = nil
	if name == nil || *name == "" {
		return
	}
	if other, ok := s.uniqueNames[*name]; ok && other != conv.sid {
		s.conversations[other].uniqueName = nil
	}
	conv.uniqueName = clone(name)
	s.uniqueNames[*name] = conv.sid
}

// World returns the recording as a world, in a stable order: accounts,
// users and participants by SID, each account's default service first,
// conversations by date_created then SID (a user's list order). ok is false
// while nothing has been recorded.
func (r *Recorder) World() (w store.World, ok bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, sid := range slices.Sorted(maps.Keys(r.accounts)) {
		w.Accounts = append(w.Accounts, r.accounts[sid].world())
	}
	return w, len(w.Accounts) > 0
}

// Fixtures returns the recording as a fixture document, every value spelled
// out; ok is false while nothing has been recorded.
func (r *Recorder) Fixtures() (fixturesgen.Fixtures, bool) {
	w, ok := r.World()
	if !ok {
		return fixturesgen.Fixtures{}, false
	}
	return fixtures.FromWorld(w), true
}

func (a *account) world() store.Account {
	out := store.Account{SID: a.sid, AuthToken: PlaceholderSecret}
	for _, sid := range slices.Sorted(maps.Keys(a.apiKeys)) {
		out.APIKeys = append(out.APIKeys, store.APIKey{SID: sid, Secret: PlaceholderSecret})
	}
	sids := slices.Sorted(maps.Keys(a.services))
	if i := slices.Index(sids, a.defaultService); i > 0 {
		sids = append(append([]string{a.defaultService}, sids[:i]...), sids[i+1:]...)
	}
	for _, sid := range sids {
		out.Services = append(out.Services, a.services[sid].world())
	}
	return out
}

func (s *service) world() store.Service {
	out := store.Service{SID: s.sid}
	for _, sid := range slices.Sorted(maps.Keys(s.identities)) {
		identity := s.identities[sid]
		if identity == "" {
			identity = UnknownIdentityPrefix + sid
		}
		out.Users = append(out.Users, store.User{SID: sid, Identity: identity})
	}
	convs := slices.Collect(maps.Values(s.conversations))
	slices.SortFunc(convs, func(a, b *conversation) int {
		return cmp.Or(a.dateCreated.Compare(b.dateCreated), cmp.Compare(a.sid, b.sid))
	})
	for _, c := range convs {
		out.Conversations = append(out.Conversations, c.world())
	}
	return out
}

func (c *conversation) world() store.Conversation {
	out := store.Conversation{
		SID:          c.sid,
		UniqueName:   clone(c.uniqueName),
		FriendlyName: clone(c.friendlyName),
		CreatedBy:    clone(c.createdBy),
		State:        c.state,
		Attributes:   c.attributes,
		DateCreated:  c.dateCreated,
		MessageCount: c.messageCount,
		Timers: store.Timers{
			DateInactive: notBefore(c.timers.DateInactive, c.dateCreated),
			DateClosed:   notBefore(c.timers.DateClosed, c.dateCreated),
		},
	}
	// A user conversation's date_updated is the later of the
	// conversation's and the participant's: with the conversation's at
	// the earliest a participant showed, each shows its own again.
	updated := time.Time{}
	for _, userSID := range slices.Sorted(maps.Keys(c.participants)) {
		p := c.participants[userSID]
		pu := later(p.dateUpdated, c.dateCreated)
		if updated.IsZero() || pu.Before(updated) {
			updated = pu
		}
		out.Participants = append(out.Participants, store.Participant{
			SID:                  p.sid,
			UserSID:              p.userSID,
			LastReadMessageIndex: clone(p.lastRead),
			NotificationLevel:    p.level,
			DateUpdated:          pu,
		})
	}
	out.DateUpdated = later(updated, c.dateCreated)
	return out
}

func later(t, floor time.Time) time.Time {
	if t.Before(floor) {
		return floor
	}
	return t
}

func notBefore(t *time.Time, floor time.Time) *time.Time {
	if t == nil {
		return nil
	}
	v := later(*t, floor)
	return &v
}

func utcSecond(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	v := t.UTC().Truncate(time.Second)
	return &v
}

func clone[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}
