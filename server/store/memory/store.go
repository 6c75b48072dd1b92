// Package memory is an in-memory store.Store: the whole world in indexed Go
// values behind one read-write mutex.
//
// Every lookup is a map access or a binary search: a user's conversations
// are kept sorted by store.Position, so a page after or before a position,
// or at an offset, costs the same at the end of a long list as at its start.
//
// ListUserConversations rejects a query that breaks ListQuery's constraints
// (Limit < 1, a negative Offset, both After and Before) with an error
// wrapping store.ErrInvalidQuery rather than guessing what was meant.
package memory

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/twilio-stubs/userconversations/server/store"
)

// Store is safe for concurrent use. Nothing it returns aliases its state,
// and nothing it is given is kept by reference.
type Store struct {
	now func() time.Time

	mu sync.RWMutex
	// version counts the whole-world writes.
	version atomic.Uint64
	w       *world
}

var _ store.Store = (*Store)(nil)

// Option configures a Store.
type Option func(*Store)

// WithClock sets the clock that stamps updates (time.Now by default).
func WithClock(now func() time.Time) Option {
	return func(s *Store) { s.now = now }
}

// New returns a store holding an empty world.
func New(opts ...Option) *Store {
	s := &Store{now: time.Now}
	for _, opt := range opts {
		opt(s)
	}
	s.w, _ = build(&store.World{}, false) // an empty world breaks no invariant
	return s
}

// Load replaces the whole world with a deep copy of w, or returns an error
// wrapping store.ErrInvalidWorld and keeps the current one.
func (s *Store) Load(_ context.Context, w store.World) error {
	// Validation and indexing need no lock: they read only w.
	nw, err := build(&w, false)
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.replace(nw)
	s.mu.Unlock()
	return nil
}

// Modify applies change to a snapshot and loads the result, holding the
// write lock throughout so no update is lost in between.
func (s *Store) Modify(_ context.Context, change func(store.World) (store.World, error)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	w, err := change(s.w.snapshot())
	if err != nil {
		return err
	}
	nw, err := build(&w, false)
	if err != nil {
		return err
	}
	s.replace(nw)
	return nil
}

// replace makes nw the world, and counts the write for Version; s.mu is
// held for writing.
func (s *Store) replace(nw *world) {
	s.w = nw
	s.version.Add(1)
}

// Version counts the whole-world writes (Load, Modify, Seed): see
// store.Versioned.
func (s *Store) Version() uint64 { return s.version.Load() }

// Snapshot returns a deep copy of the world in Load's order.
func (s *Store) Snapshot(context.Context) (store.World, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.w.snapshot(), nil
}

// FetchUserConversation returns the user's view of the conversation.
func (s *Store) FetchUserConversation(_ context.Context, scope store.Scope, user, conversation string) (store.UserConversation, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	svc, u, i, err := s.w.resolveParticipation(scope, user, conversation)
	if err != nil {
		return store.UserConversation{}, err
	}
	return svc.view(u.parts[i], newCell()), nil
}

// UpdateUserConversation applies the fields u sets, stamps the participant
// updated now, and returns the new view. An invalid u is rejected before
// anything is looked up, with an error wrapping store.ErrInvalidUpdate.
func (s *Store) UpdateUserConversation(_ context.Context, scope store.Scope, user, conversation string, u store.Update) (store.UserConversation, error) {
	if err := u.Validate(); err != nil {
		return store.UserConversation{}, err
	}
	now := s.now().UTC().Truncate(time.Second)
	s.mu.Lock()
	defer s.mu.Unlock()
	svc, usr, i, err := s.w.resolveParticipation(scope, user, conversation)
	if err != nil {
		return store.UserConversation{}, err
	}
	p := usr.parts[i]
	if u.NotificationLevel != nil {
		p.level = internLevel(*u.NotificationLevel)
	}
	if u.LastReadTimestamp != nil {
		at := u.LastReadTimestamp.UTC().Truncate(time.Second)
		p.readAt = &at
	}
	if u.SetReadIndex {
		p.readIndex = noReadIndex
		if u.LastReadMessageIndex != nil {
			p.readIndex = *u.LastReadMessageIndex
		}
	}
	p.updated = now
	return svc.view(p, newCell()), nil
}

// RemoveUserConversation removes the user from the conversation.
func (s *Store) RemoveUserConversation(_ context.Context, scope store.Scope, user, conversation string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, u, i, err := s.w.resolveParticipation(scope, user, conversation)
	if err != nil {
		return err
	}
	u.remove(i)
	s.w.sizes.UserConversations--
	return nil
}
