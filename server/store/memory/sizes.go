package memory

import (
	"context"

	"github.com/twilio-stubs/userconversations/server/store"
)

var _ store.Sizer = (*Store)(nil)

// Sizes returns the world's counts, kept as it changes: no walk of the
// world per call.
func (s *Store) Sizes(context.Context) (store.Sizes, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.w.sizes, nil
}
