package client

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/twilio-stubs/userconversations/gen/conversations"
)

// UpdateParams says what Update changes. Each field is independent, and its
// zero value leaves that property as it is, so
//
//	UpdateParams{NotificationLevel: NotificationLevelMuted}
//
// mutes the conversation and touches nothing else.
type UpdateParams struct {
	// NotificationLevel, when not empty, sets the user's notification level.
	NotificationLevel NotificationLevel
	// LastReadTimestamp, when not the zero time, sets when the user last
	// read the conversation. It is sent as RFC 3339 in its own time zone
	// and to the second, as twilio-go sends it.
	LastReadTimestamp time.Time
	// LastReadMessageIndex sets or clears the user's read horizon: use
	// SetReadIndex or ClearReadIndex; the zero value leaves it alone.
	LastReadMessageIndex ReadIndex
}

// ReadIndex is a change to the read horizon, the index of the last message
// the user has read. Make one with SetReadIndex or ClearReadIndex; the zero
// value means no change.
type ReadIndex struct {
	change readIndexChange
	index  int
}

// readIndexChange is what a ReadIndex does; the zero value keeps the index.
type readIndexChange int

const (
	keepReadIndex readIndexChange = iota
	setReadIndex
	clearReadIndex
)

// SetReadIndex moves the read horizon to message index n (0 or more).
func SetReadIndex(n int) ReadIndex { return ReadIndex{change: setReadIndex, index: n} }

// ClearReadIndex clears the read horizon, as if the user had read nothing;
// it is sent as an empty LastReadMessageIndex.
func ClearReadIndex() ReadIndex { return ReadIndex{change: clearReadIndex} }

// formValue is how the change is sent: nil to leave the index alone, "" to
// clear it, or the index in decimal.
func (r ReadIndex) formValue() (*string, error) {
	switch r.change {
	case clearReadIndex:
		return new(""), nil
	case setReadIndex:
		if r.index < 0 {
			return nil, fmt.Errorf("client: read index %d is negative", r.index)
		}
		return new(strconv.Itoa(r.index)), nil
	}
	return nil, nil
}

// body is p as the generated form body.
func (p UpdateParams) body() (conversations.UpdateUserConversationRequest, error) {
	var b conversations.UpdateUserConversationRequest
	var err error
	if b.LastReadMessageIndex, err = p.LastReadMessageIndex.formValue(); err != nil {
		return b, err
	}
	if p.NotificationLevel != "" {
		b.NotificationLevel = new(p.NotificationLevel)
	}
	if !p.LastReadTimestamp.IsZero() {
		b.LastReadTimestamp = new(p.LastReadTimestamp.Format(time.RFC3339))
	}
	return b, nil
}

// Update changes the user's notification level and read horizon in the
// conversation as p says, and returns the conversation as it now is. The
// request is a POST, so it is retried only when refused with 429 or 503,
// never after it may have been applied.
func (u UserConversations) Update(ctx context.Context, conversation string, p UpdateParams) (*UserConversation, error) {
	if err := u.check(conversation); err != nil {
		return nil, err
	}
	body, err := p.body()
	if err != nil {
		return nil, err
	}
	if !u.inService {
		rsp, err := u.c.gen.UpdateUserConversationWithFormdataBody(ctx, u.user, conversation, body)
		return decode(rsp, err, conversations.ParseUpdateUserConversationResponse)
	}
	rsp, err := u.c.gen.UpdateServiceUserConversationWithFormdataBody(ctx, u.service, u.user, conversation, body)
	return decode(rsp, err, conversations.ParseUpdateServiceUserConversationResponse)
}
