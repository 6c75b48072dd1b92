package memory

import (
	"context"
	"crypto/subtle"

	"github.com/twilio-stubs/userconversations/server/store"
)

// Authenticate accepts an Account SID with its auth token, or an API key SID
// with its secret, and returns the account SID. An empty secret never
// matches, so an account loaded without a token cannot be entered with an
// empty password.
func (s *Store) Authenticate(_ context.Context, username, password string) (string, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var secret, accountSID string
	if a := s.w.accountBySID[username]; a != nil {
		secret, accountSID = a.authToken, a.sid
	} else if k, ok := s.w.apiKeyBySID[username]; ok {
		secret, accountSID = k.secret, k.account.sid
	}
	if secret == "" || subtle.ConstantTimeCompare([]byte(password), []byte(secret)) != 1 {
		return "", store.ErrUnauthenticated
	}
	return accountSID, nil
}
