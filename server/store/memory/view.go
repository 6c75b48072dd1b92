package memory

import (
	"time"

	"github.com/twilio-stubs/userconversations/server/store"
)

// view builds the user conversation of p, a participation in svc. Every
// pointer in it is fresh, so the caller may keep or change it without
// touching the store; cells hands them out.
func (svc *service) view(p *participant, cells *cells) store.UserConversation {
	c := &p.conv.meta
	uc := store.UserConversation{
		AccountSID:      svc.account.sid,
		ServiceSID:      svc.sid,
		ConversationSID: c.SID,
		ParticipantSID:  p.sid,
		UserSID:         p.user.sid,

		FriendlyName: cells.str(c.FriendlyName),
		UniqueName:   cells.str(c.UniqueName),
		CreatedBy:    cells.str(c.CreatedBy),
		Attributes:   c.Attributes,
		State:        c.State,
		Timers:       store.Timers{DateInactive: cells.time(c.Timers.DateInactive), DateClosed: cells.time(c.Timers.DateClosed)},

		DateCreated: c.DateCreated,
		DateUpdated: c.DateUpdated,

		NotificationLevel: p.level,
		LastReadTimestamp: cells.time(p.readAt),
	}
	if uc.Attributes == "" {
		uc.Attributes = "{}"
	}
	if p.updated.After(uc.DateUpdated) {
		uc.DateUpdated = p.updated
	}
	if p.readIndex != noReadIndex {
		uc.LastReadMessageIndex = cells.int(p.readIndex)
		uc.UnreadMessagesCount = cells.int(store.UnreadMessages(c.MessageCount, p.readIndex))
	}
	return uc
}

// cells hands out the pointer fields of views, for n views at most, from
// one slice per kind: a page of 50 views costs three allocations, not one
// per field of each view. A slice is allocated when first needed, with
// room for every view, so it never moves and the pointers stay distinct.
type cells struct {
	n     int
	strs  []string
	ints  []int
	times []time.Time
}

func newCells(n int) *cells { return &cells{n: n} }

// newCell returns cells for one view, with room for all its pointer
// fields in the same allocation: a fetch or an update costs one, not four.
func newCell() *cells {
	one := &struct {
		cells
		strs  [3]string
		ints  [2]int
		times [3]time.Time
	}{}
	one.cells = cells{n: 1, strs: one.strs[:0], ints: one.ints[:0], times: one.times[:0]}
	return &one.cells
}

func (c *cells) str(p *string) *string {
	if p == nil {
		return nil
	}
	if c.strs == nil {
		c.strs = make([]string, 0, 3*c.n) // friendly_name, unique_name, created_by
	}
	c.strs = append(c.strs, *p)
	return &c.strs[len(c.strs)-1]
}

func (c *cells) int(v int) *int {
	if c.ints == nil {
		c.ints = make([]int, 0, 2*c.n) // the read index, the unread count
	}
	c.ints = append(c.ints, v)
	return &c.ints[len(c.ints)-1]
}

func (c *cells) time(p *time.Time) *time.Time {
	if p == nil {
		return nil
	}
	if c.times == nil {
		c.times = make([]time.Time, 0, 3*c.n) // two timers, the read time
	}
	c.times = append(c.times, *p)
	return &c.times[len(c.times)-1]
}
