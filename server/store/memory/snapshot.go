package memory

import "github.com/twilio-stubs/userconversations/server/store"

// snapshot deep-copies w back into a World in Load's order. Empty
// collections come back nil, as a World literal leaves them.
func (w *world) snapshot() store.World {
	var out store.World
	if len(w.accounts) > 0 {
		out.Accounts = make([]store.Account, 0, len(w.accounts))
	}
	for _, a := range w.accounts {
		out.Accounts = append(out.Accounts, a.snapshot())
	}
	return out
}

func (a *account) snapshot() store.Account {
	out := store.Account{SID: a.sid, AuthToken: a.authToken}
	if len(a.apiKeys) > 0 {
		out.APIKeys = append([]store.APIKey(nil), a.apiKeys...)
	}
	if len(a.services) > 0 {
		out.Services = make([]store.Service, 0, len(a.services))
	}
	for _, s := range a.services {
		out.Services = append(out.Services, s.snapshot())
	}
	return out
}

func (s *service) snapshot() store.Service {
	out := store.Service{SID: s.sid}
	if len(s.users) > 0 {
		out.Users = make([]store.User, 0, len(s.users))
	}
	for _, u := range s.users {
		out.Users = append(out.Users, store.User{SID: u.sid, Identity: u.identity})
	}
	if len(s.conversations) > 0 {
		out.Conversations = make([]store.Conversation, 0, len(s.conversations))
	}
	for _, c := range s.conversations {
		out.Conversations = append(out.Conversations, c.snapshot())
	}
	return out
}

func (c *conversation) snapshot() store.Conversation {
	out := cloneConversation(c.meta)
	if len(c.parts) > 0 {
		out.Participants = make([]store.Participant, 0, len(c.parts))
	}
	for _, p := range c.parts {
		sp := store.Participant{
			SID:               p.sid,
			UserSID:           p.user.sid,
			LastReadTimestamp: clonePtr(p.readAt),
			NotificationLevel: p.level,
			DateUpdated:       p.updated,
		}
		if p.readIndex != noReadIndex {
			index := p.readIndex
			sp.LastReadMessageIndex = &index
		}
		out.Participants = append(out.Participants, sp)
	}
	return out
}
