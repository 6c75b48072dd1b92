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
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.w.sizes.Accounts > 0 {
		return false, nil
	}
	w, err := fixtures()
	if err != nil {
		return false, err
	}
	nw, err := build(w)
	if err != nil {
		return false, err
	}
	s.w = nw
	return true, nil
}
