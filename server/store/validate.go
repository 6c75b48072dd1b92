package store

import (
	"errors"
	"fmt"
)

var (
	// ErrInvalidUpdate: an Update carries a value the API rejects (an
	// unknown notification level, a negative read index). Nothing changed.
	ErrInvalidUpdate = errors.New("invalid update")
	// ErrInvalidQuery: a ListQuery breaks its documented constraints. It is
	// a programming error of the caller, never a client's: handlers build
	// queries from validated parameters.
	ErrInvalidQuery = errors.New("invalid list query")
)

// ValidNotificationLevel reports whether level is one the API knows.
func ValidNotificationLevel(level string) bool {
	return level == NotificationLevelDefault || level == NotificationLevelMuted
}

// ValidState reports whether state is a conversation state the API knows.
func ValidState(state string) bool {
	return state == StateInactive || state == StateActive || state == StateClosed
}

// Validate returns an error wrapping ErrInvalidUpdate if u cannot be applied
// to any participant.
func (u Update) Validate() error {
	if u.NotificationLevel != nil && !ValidNotificationLevel(*u.NotificationLevel) {
		return fmt.Errorf("%w: notification level %q", ErrInvalidUpdate, *u.NotificationLevel)
	}
	if u.SetReadIndex && u.LastReadMessageIndex != nil && *u.LastReadMessageIndex < 0 {
		return fmt.Errorf("%w: negative last read message index %d", ErrInvalidUpdate, *u.LastReadMessageIndex)
	}
	return nil
}

// Validate returns an error wrapping ErrInvalidQuery if q asks for no items
// (Limit < 1), for a negative Offset, or for both After and Before.
func (q ListQuery) Validate() error {
	switch {
	case q.Limit < 1:
		return fmt.Errorf("%w: limit %d", ErrInvalidQuery, q.Limit)
	case q.Offset < 0:
		return fmt.Errorf("%w: offset %d", ErrInvalidQuery, q.Offset)
	case q.After != nil && q.Before != nil:
		return fmt.Errorf("%w: both After and Before", ErrInvalidQuery)
	}
	return nil
}
