// Package testkit is what the stub's own tests share: SIDs, a test world
// with two accounts, a settable clock, and a harness that serves the
// assembled stub over HTTP and checks its answers.
package testkit

import (
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"
)

// SID builds a valid 34-character SID: prefix, then n in hex.
func SID(prefix string, n int) string { return fmt.Sprintf("%s%032x", prefix, n) }

// Epoch is when the test world's conversations start.
var Epoch = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// Clock is a settable clock for the store.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a clock showing now.
func NewClock(now time.Time) *Clock { return &Clock{now: now} }

// Now tells the time.
func (c *Clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

// Set sets the time.
func (c *Clock) Set(t time.Time) { c.mu.Lock(); c.now = t; c.mu.Unlock() }

// Deref is *p, or the zero value for nil: a nullable field as a message
// shows it.
func Deref[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}

// MustJSON is v as JSON; a value that cannot be encoded fails the test.
func MustJSON(t testing.TB, v any) []byte {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
