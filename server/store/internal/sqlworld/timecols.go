package sqlworld

import "time"

// A time is stored in two integer columns, whole seconds since the Unix
// epoch and nanoseconds: exact for every time.Time (a single nanosecond
// count overflows past 2262, and PostgreSQL's timestamps keep only
// microseconds), ordered as the time is, and the same in both dialects.
// The zone is not kept: times come back in UTC.

// Secs returns the columns of t.
func Secs(t time.Time) (secs, nanos int64) { return t.Unix(), int64(t.Nanosecond()) }

// Time is the time stored as secs and nanos, in UTC.
func Time(secs, nanos int64) time.Time { return time.Unix(secs, nanos).UTC() }

// NullSecs returns the columns of *t, both nil (NULL) for a nil t.
func NullSecs(t *time.Time) (secs, nanos *int64) {
	if t == nil {
		return nil, nil
	}
	s, ns := Secs(*t)
	return &s, &ns
}

// NullTime is the time stored as secs and nanos, nil if either is NULL.
func NullTime(secs, nanos *int64) *time.Time {
	if secs == nil || nanos == nil {
		return nil
	}
	t := Time(*secs, *nanos)
	return &t
}
