package memory

import (
	"github.com/twilio-stubs/userconversations/server/store"
)

// build validates w (store.World.Validate) and indexes a deep copy of it. It
// never touches the store, so a World that breaks an invariant leaves the
// current one alone. Indexing trusts what validation established: SIDs,
// identities and unique_names are unique where they must be, and every
// participant's user is in its service.
func build(w store.World) (*world, error) {
	if err := w.Validate(); err != nil {
		return nil, err
	}
	nw := &world{
		accounts:     make([]*account, 0, len(w.Accounts)),
		accountBySID: make(map[string]*account, len(w.Accounts)),
		apiKeyBySID:  make(map[string]apiKey),
		serviceBySID: make(map[string]*service),
	}
	for _, a := range w.Accounts {
		nw.addAccount(a)
	}
	sizes := &nw.sizes
	sizes.Accounts = len(nw.accounts)
	for _, a := range nw.accounts {
		for _, s := range a.services {
			sizes.Users += len(s.users)
			sizes.Conversations += len(s.conversations)
			for _, u := range s.users {
				u.sortParts()
				sizes.UserConversations += len(u.parts)
			}
		}
	}
	return nw, nil
}

func (w *world) addAccount(a store.Account) {
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
	for _, s := range a.Services {
		svc := newService(acct, s)
		acct.services = append(acct.services, svc)
		w.serviceBySID[s.SID] = svc
	}
}

func newService(acct *account, s store.Service) *service {
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
	for _, u := range s.Users {
		usr := &user{sid: u.SID, identity: u.Identity}
		svc.users = append(svc.users, usr)
		svc.userBySID[u.SID] = usr
		svc.userByIdentity[u.Identity] = usr
	}
	for _, c := range s.Conversations {
		svc.addConversation(c)
	}
	return svc
}

func (svc *service) addConversation(c store.Conversation) {
	meta := cloneConversation(c)
	meta.State = internState(c.State)
	conv := &conversation{meta: meta, parts: make([]*participant, 0, len(c.Participants))}
	svc.conversations = append(svc.conversations, conv)
	svc.conversationBySID[c.SID] = conv
	if c.UniqueName != nil {
		svc.conversationByUniqueName[*c.UniqueName] = conv
	}
	for _, p := range c.Participants {
		usr := svc.userBySID[p.UserSID]
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
