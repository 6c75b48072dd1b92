package memory

import "github.com/twilio-stubs/userconversations/server/store"

// clonePtr returns a pointer to a copy of *p, or nil. The store neither
// keeps a caller's pointer nor hands out its own.
func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

func cloneTimers(t store.Timers) store.Timers {
	return store.Timers{DateInactive: clonePtr(t.DateInactive), DateClosed: clonePtr(t.DateClosed)}
}

// cloneConversation deep-copies c, leaving out its participants.
func cloneConversation(c store.Conversation) store.Conversation {
	c.UniqueName = clonePtr(c.UniqueName)
	c.FriendlyName = clonePtr(c.FriendlyName)
	c.CreatedBy = clonePtr(c.CreatedBy)
	c.Timers = cloneTimers(c.Timers)
	c.Participants = nil
	return c
}
