package sqlworld

import "github.com/twilio-stubs/userconversations/server/store"

// viewRow receives the viewColumns of one row.
type viewRow struct {
	accountSID, serviceSID, userSID, convSID, partSID string
	friendlyName, uniqueName, createdBy               *string
	attributes, state                                 string
	inactiveS, inactiveNS, closedS, closedNS          *int64
	createdS, createdNS, updatedS, updatedNS          int64
	messageCount                                      int64
	level                                             string
	readIndex, readS, readNS                          *int64
	partUpdatedS, partUpdatedNS                       int64
}

// dest returns the scan destinations, in viewColumns' order.
func (r *viewRow) dest() []any {
	return []any{
		&r.accountSID, &r.serviceSID, &r.userSID, &r.convSID, &r.partSID,
		&r.friendlyName, &r.uniqueName, &r.createdBy, &r.attributes, &r.state,
		&r.inactiveS, &r.inactiveNS, &r.closedS, &r.closedNS,
		&r.createdS, &r.createdNS, &r.updatedS, &r.updatedNS, &r.messageCount,
		&r.level, &r.readIndex, &r.readS, &r.readNS, &r.partUpdatedS, &r.partUpdatedNS,
	}
}

// view is the user conversation of the row, derived as the memory store
// derives it: attributes "{}" when empty, DateUpdated the later of the
// conversation's and the participant's, the unread count from the read
// horizon. Every pointer is fresh: scanning allocated them.
func (r *viewRow) view() store.UserConversation {
	uc := store.UserConversation{
		AccountSID:      r.accountSID,
		ServiceSID:      r.serviceSID,
		ConversationSID: r.convSID,
		ParticipantSID:  r.partSID,
		UserSID:         r.userSID,

		FriendlyName: r.friendlyName,
		UniqueName:   r.uniqueName,
		CreatedBy:    r.createdBy,
		Attributes:   r.attributes,
		State:        r.state,
		Timers:       store.Timers{DateInactive: NullTime(r.inactiveS, r.inactiveNS), DateClosed: NullTime(r.closedS, r.closedNS)},

		DateCreated: Time(r.createdS, r.createdNS),
		DateUpdated: Time(r.updatedS, r.updatedNS),

		NotificationLevel: r.level,
		LastReadTimestamp: NullTime(r.readS, r.readNS),
	}
	if uc.Attributes == "" {
		uc.Attributes = "{}"
	}
	if updated := Time(r.partUpdatedS, r.partUpdatedNS); updated.After(uc.DateUpdated) {
		uc.DateUpdated = updated
	}
	if r.readIndex != nil {
		index := int(*r.readIndex)
		unread := store.UnreadMessages(int(r.messageCount), index)
		uc.LastReadMessageIndex = &index
		uc.UnreadMessagesCount = &unread
	}
	return uc
}
