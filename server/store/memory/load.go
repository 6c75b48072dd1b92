package memory

import (
	"slices"

	"github.com/twilio-stubs/userconversations/server/store"
)

// build validates w (store.World.Validate) and indexes a deep copy of it. It
// never touches the store, so a World that breaks an invariant leaves the
// current one alone. Indexing trusts what validation established: SIDs,
// identities and unique_names are unique where they must be, and every
// participant's user is in its service.
//
// With owned, w is given up by its caller (see SeedOwned): build keeps its
// pointers rather than copying what they point to, and empties each
// conversation's participants once they are indexed, so that the garbage
// collector can take them back while the rest is built: the World and the
// store it becomes are never both held whole.
func build(w *store.World, owned bool) (*world, error) {
	if err := w.Validate(); err != nil {
		return nil, err
	}
	var keys, services int
	for _, a := range w.Accounts {
		keys += len(a.APIKeys)
		services += len(a.Services)
	}
	nw := &world{
		accounts:     make([]*account, 0, len(w.Accounts)),
		accountBySID: make(map[string]*account, len(w.Accounts)),
		apiKeyBySID:  make(map[string]apiKey, keys),
		serviceBySID: make(map[string]*service, services),
	}
	for i := range w.Accounts {
		nw.addAccount(&w.Accounts[i], owned)
	}
	sizes := &nw.sizes
	sizes.Accounts = len(nw.accounts)
	for _, a := range nw.accounts {
		for _, s := range a.services {
			sizes.Users += len(s.users)
			sizes.Conversations += len(s.conversations)
			// Each user's participations were appended in the order of
			// the service's conversations: when that is the list order,
			// as in most fixture files, they are in order already.
			sorted := slices.IsSortedFunc(s.conversations, comparePositions)
			for _, u := range s.users {
				if !sorted {
					u.sortParts()
				}
				sizes.UserConversations += len(u.parts)
			}
		}
	}
	return nw, nil
}

func (w *world) addAccount(a *store.Account, owned bool) {
	acct := &account{
		sid:       a.SID,
		authToken: a.AuthToken,
		apiKeys:   append([]store.APIKey(nil), a.APIKeys...),
		services:  make([]*service, 0, len(a.Services)),
	}
	w.accounts = append(w.accounts, acct)
	w.accountBySID[a.SID] = acct
	for _, k := range a.APIKeys {
		w.apiKeyBySID[k.SID] = apiKey{secret: k.Secret, account: acct}
	}
	for i := range a.Services {
		s := &a.Services[i]
		svc := newService(acct, s, owned)
		acct.services = append(acct.services, svc)
		w.serviceBySID[s.SID] = svc
	}
}

func newService(acct *account, s *store.Service, owned bool) *service {
	named := 0
	for i := range s.Conversations {
		if s.Conversations[i].UniqueName != nil {
			named++
		}
	}
	svc := &service{
		sid:                      s.SID,
		account:                  acct,
		users:                    make([]*user, 0, len(s.Users)),
		userBySID:                make(map[string]*user, len(s.Users)),
		userByIdentity:           make(map[string]*user, len(s.Users)),
		conversations:            make([]*conversation, 0, len(s.Conversations)),
		conversationBySID:        make(map[string]*conversation, len(s.Conversations)),
		conversationByUniqueName: make(map[string]*conversation, named),
	}
	// One allocation for the users, one per conversation for its
	// participants: a million participants are a hundred thousand
	// objects for the collector, not a million.
	users := make([]user, len(s.Users))
	for i, u := range s.Users {
		usr := &users[i]
		*usr = user{sid: u.SID, identity: u.Identity}
		svc.users = append(svc.users, usr)
		svc.userBySID[u.SID] = usr
		svc.userByIdentity[u.Identity] = usr
	}
	for i := range s.Conversations {
		svc.addConversation(&s.Conversations[i], owned)
	}
	return svc
}

func (svc *service) addConversation(c *store.Conversation, owned bool) {
	meta := *c
	meta.Participants = nil
	if !owned {
		meta = cloneConversation(meta)
	}
	meta.State = internState(c.State)
	conv := &conversation{meta: meta, parts: make([]*participant, 0, len(c.Participants))}
	svc.conversations = append(svc.conversations, conv)
	svc.conversationBySID[c.SID] = conv
	if c.UniqueName != nil {
		svc.conversationByUniqueName[*c.UniqueName] = conv
	}
	parts := make([]participant, len(c.Participants))
	for i, p := range c.Participants {
		usr := svc.userBySID[p.UserSID]
		part := &parts[i]
		*part = participant{
			sid:       p.SID,
			user:      usr,
			conv:      conv,
			level:     internLevel(p.NotificationLevel),
			readIndex: noReadIndex,
			readAt:    p.LastReadTimestamp,
			updated:   p.DateUpdated,
		}
		if !owned {
			part.readAt = clonePtr(p.LastReadTimestamp)
		}
		if p.LastReadMessageIndex != nil {
			part.readIndex = *p.LastReadMessageIndex
		}
		conv.parts = append(conv.parts, part)
		usr.parts = append(usr.parts, part)
	}
	if owned {
		c.Participants = nil
	}
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
