package sqlworld

import (
	"context"
	"crypto/subtle"
	"sync"
	"sync/atomic"
	"time"

	"github.com/twilio-stubs/userconversations/server/store"
)

// credentialsSQL finds the secret of an account or API key SID: the two
// prefixes differ, so at most one row comes back.
const credentialsSQL = `SELECT sid, auth_token FROM accounts WHERE sid = $1
UNION ALL
SELECT a.sid, k.secret FROM api_keys k JOIN accounts a ON a.id = k.account_id WHERE k.sid = $1`

// credentials reads the account and secret of an account or API key SID;
// "" and "" if there is none.
func credentials(ctx context.Context, c Conn, username string) (account, secret string, err error) {
	rows, err := c.Query(ctx, credentialsSQL, username)
	if err != nil {
		return "", "", err
	}
	defer rows.Close()
	if rows.Next() {
		if err := rows.Scan(&account, &secret); err != nil {
			return "", "", err
		}
	}
	return account, secret, rows.Err()
}

// check accepts password if it is secret, and secret is not empty.
func check(account, secret, password string) (string, error) {
	if secret == "" || subtle.ConstantTimeCompare([]byte(password), []byte(secret)) != 1 {
		return "", store.ErrUnauthenticated
	}
	return account, nil
}

// CredentialsRefresh is how often an AuthCache asks the database whether
// the world was replaced (Load, Modify, Seed) since it last looked:
// credentials changed through another process are taken within this time,
// and a process's own changes at once.
const CredentialsRefresh = 100 * time.Millisecond

// AuthCache authenticates as Authenticate does, but keeps the credentials
// it found, so that a request costs no credentials query: they change only
// when the world is replaced, and every replacement changes the world's
// version (BumpWorldVersion), which the cache reads at most every
// CredentialsRefresh. Only credentials that exist are kept, so the cache
// holds no more than the world's accounts and API keys.
type AuthCache struct {
	mu  sync.Mutex
	gen uint64 // changes whenever known is emptied
	// published is gen, for Version to read without mu.
	published atomic.Uint64
	version   int64     // the world's version known was filled at
	checked   time.Time // when the version was last read; zero: read it now
	known     map[string]credential
}

type credential struct{ account, secret string }

// Authenticate accepts an Account SID with its auth token, or an API key
// SID with its secret, and returns the account SID.
func (a *AuthCache) Authenticate(ctx context.Context, c Conn, username, password string) (string, error) {
	gen, err := a.fresh(ctx, c)
	if err != nil {
		return "", err
	}
	a.mu.Lock()
	cred, ok := a.known[username]
	a.mu.Unlock()
	if !ok {
		account, secret, err := credentials(ctx, c, username)
		if err != nil {
			return "", err
		}
		cred = credential{account, secret}
		a.mu.Lock()
		// Kept only if no replacement was seen meanwhile: what was read
		// may predate it.
		if secret != "" && a.gen == gen {
			if a.known == nil {
				a.known = map[string]credential{}
			}
			a.known[username] = cred
		}
		a.mu.Unlock()
	}
	return check(cred.account, cred.secret, password)
}

// fresh empties the cache if the world's version changed, reading it when
// CredentialsRefresh has passed; it returns the cache's generation. While
// one request reads the version, the others use the cache as it is.
func (a *AuthCache) fresh(ctx context.Context, c Conn) (uint64, error) {
	a.mu.Lock()
	if time.Since(a.checked) < CredentialsRefresh {
		defer a.mu.Unlock()
		return a.gen, nil
	}
	a.checked = time.Now()
	a.mu.Unlock()
	v, err := WorldVersion(ctx, c)
	a.mu.Lock()
	defer a.mu.Unlock()
	if err != nil {
		a.checked = time.Time{}
		return 0, err
	}
	if v != a.version {
		a.version = v
		a.forget()
	}
	return a.gen, nil
}

// Forget empties the cache: this process replaced the world.
func (a *AuthCache) Forget() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.forget()
	a.checked = time.Time{}
}

func (a *AuthCache) forget() {
	a.gen++
	a.published.Store(a.gen)
	clear(a.known)
}

// Version changes whenever the cache is emptied: at once when this
// process replaced the world, and when the cache next looks (at most
// CredentialsRefresh after a request asked it) when another did. It is
// the store's store.Versioned, for the caches above the store's (the
// HTTP layer's): what they remember is good while it stays the same.
func (a *AuthCache) Version() uint64 { return a.published.Load() }

// WorldVersion reads the world's version.
func WorldVersion(ctx context.Context, c Conn) (int64, error) {
	var v int64
	err := queryRow(ctx, c, "SELECT value FROM shared_counters WHERE name = 'world_version'", nil, &v)
	return v, err
}

// BumpWorldVersion changes the world's version; every replacement of the
// world runs it in its transaction.
func BumpWorldVersion(ctx context.Context, c Conn) error {
	_, err := c.Exec(ctx, "UPDATE shared_counters SET value = value + 1 WHERE name = 'world_version'")
	return err
}
