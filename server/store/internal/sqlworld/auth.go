package sqlworld

import (
	"context"
	"crypto/subtle"

	"github.com/twilio-stubs/userconversations/server/store"
)

// credentialsSQL finds the secret of an account or API key SID: the two
// prefixes differ, so at most one row comes back.
const credentialsSQL = `SELECT sid, auth_token FROM accounts WHERE sid = $1
UNION ALL
SELECT a.sid, k.secret FROM api_keys k JOIN accounts a ON a.id = k.account_id WHERE k.sid = $1`

// Authenticate accepts an Account SID with its auth token, or an API key
// SID with its secret, and returns the account SID. The secret is compared
// in constant time, as the memory store does; an empty one never matches,
// so an account loaded without a token cannot be entered with an empty
// password.
func Authenticate(ctx context.Context, c Conn, username, password string) (string, error) {
	rows, err := c.Query(ctx, credentialsSQL, username)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var account, secret string
	if rows.Next() {
		if err := rows.Scan(&account, &secret); err != nil {
			return "", err
		}
	}
	if err := rows.Err(); err != nil {
		return "", err
	}
	if secret == "" || subtle.ConstantTimeCompare([]byte(password), []byte(secret)) != 1 {
		return "", store.ErrUnauthenticated
	}
	return account, nil
}
