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

// SeedOwned is Seed for a World its caller gives up, as LoadOwned is Load:
// the store takes over the World fixtures returns rather than copying it,
// and nothing else may refer to any part of it.
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
	s.w = nw
	s.version.Add(1)
	return true, nil
}
