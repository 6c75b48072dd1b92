package store

import (
	"errors"
	"fmt"
	"time"
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
	if u.LastReadTimestamp != nil && !ValidTime(*u.LastReadTimestamp) {
		return fmt.Errorf("%w: last read timestamp %s is not %s", ErrInvalidUpdate, u.LastReadTimestamp.Format(time.RFC3339), TimeRange)
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

// The times a store keeps must be writable as RFC 3339 in UTC, as every
// answer and every export writes them: time.Time's JSON encoding refuses
// years outside 0000..9999. A time given with an offset can cross either
// end once in UTC (9999-12-31T23:59:59-23:59 is in the year 10000).
var (
	earliestTime = time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC)
	latestTime   = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
)

// TimeRange describes the times a store keeps, for messages.
const TimeRange = "from 0000-01-01T00:00:00Z to 9999-12-31T23:59:59Z in UTC"

// ValidTime reports whether t, in UTC, is within TimeRange.
func ValidTime(t time.Time) bool {
	return !t.Before(earliestTime) && t.Before(latestTime)
}
