package memory

import (
	"github.com/twilio-stubs/userconversations/server/store"
)

// view builds the user conversation of p, a participation in svc. Every
// pointer in it is fresh, so the caller may keep or change it without
// touching the store.
func (svc *service) view(p *participant) store.UserConversation {
	c := &p.conv.meta
	uc := store.UserConversation{
		AccountSID:      svc.account.sid,
		ServiceSID:      svc.sid,
		ConversationSID: c.SID,
		ParticipantSID:  p.sid,
		UserSID:         p.user.sid,

		FriendlyName: clonePtr(c.FriendlyName),
		UniqueName:   clonePtr(c.UniqueName),
		CreatedBy:    clonePtr(c.CreatedBy),
		Attributes:   c.Attributes,
		State:        c.State,
		Timers:       cloneTimers(c.Timers),

		DateCreated: c.DateCreated,
		DateUpdated: c.DateUpdated,

		NotificationLevel: p.level,
		LastReadTimestamp: clonePtr(p.readAt),
	}
	if uc.Attributes == "" {
		uc.Attributes = "{}"
	}
	if p.updated.After(uc.DateUpdated) {
		uc.DateUpdated = p.updated
	}
	if p.readIndex != noReadIndex {
		index := p.readIndex
		unread := store.UnreadMessages(c.MessageCount, index)
		uc.LastReadMessageIndex = &index
		uc.UnreadMessagesCount = &unread
	}
	return uc
}
