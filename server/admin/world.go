package admin

import (
	"slices"

	"github.com/twilio-stubs/userconversations/server/store"
)

// cloneWorld returns a deep copy of w.
func cloneWorld(w store.World) store.World {
	out := store.World{Accounts: slices.Clone(w.Accounts)}
	for i := range out.Accounts {
		a := &out.Accounts[i]
		a.APIKeys = slices.Clone(a.APIKeys)
		a.Services = slices.Clone(a.Services)
		for j := range a.Services {
			s := &a.Services[j]
			s.Users = slices.Clone(s.Users)
			s.Conversations = slices.Clone(s.Conversations)
			for k := range s.Conversations {
				c := &s.Conversations[k]
				c.UniqueName = clonePtr(c.UniqueName)
				c.FriendlyName = clonePtr(c.FriendlyName)
				c.CreatedBy = clonePtr(c.CreatedBy)
				c.Timers.DateInactive = clonePtr(c.Timers.DateInactive)
				c.Timers.DateClosed = clonePtr(c.Timers.DateClosed)
				c.Participants = slices.Clone(c.Participants)
				for l := range c.Participants {
					p := &c.Participants[l]
					p.LastReadMessageIndex = clonePtr(p.LastReadMessageIndex)
					p.LastReadTimestamp = clonePtr(p.LastReadTimestamp)
				}
			}
		}
	}
	return out
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}
