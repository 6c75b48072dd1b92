package memory

import (
	"context"

	"github.com/twilio-stubs/userconversations/server/store"
)

var _ store.Seeder = (*Store)(nil)

// Seed loads fixtures' world if the store holds no account. The write
// lock is held throughout, so of two seeds at once one loads and the other
// finds the world loaded.
func (s *Store) Seed(_ context.Context, fixtures func() (store.World, error)) (bool, error) {
	return s.seed(fixtures, false)
}

// SeedOwned is Seed for a World its caller gives up, such as one just
// parsed from a fixtures file: rather than copying the World fixtures
// returns, the store keeps parts of it and lets the rest go as it
// indexes, so that a large world is not held twice while it loads.
// Nothing else may refer to any part of it.
func (s *Store) SeedOwned(_ context.Context, fixtures func() (store.World, error)) (bool, error) {
	return s.seed(fixtures, true)
}

func (s *Store) seed(fixtures func() (store.World, error), owned bool) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.w.sizes.Accounts > 0 {
		return false, nil
	}
	w, err := fixtures()
	if err != nil {
		return false, err
	}
	nw, err := build(&w, owned)
	if err != nil {
		return false, err
	}
	s.replace(nw)
	return true, nil
}
