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

	// For Current, without mu: checked in Unix nanoseconds, and whether a
	// read of the world's version is under way in the background.
	checkedAt  atomic.Int64
	refreshing atomic.Bool
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
	a.setChecked(time.Now())
	a.mu.Unlock()
	v, err := WorldVersion(ctx, c)
	a.mu.Lock()
	defer a.mu.Unlock()
	if err != nil {
		a.setChecked(time.Time{})
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
	a.setChecked(time.Time{})
}

// setChecked sets when the version was last read; a.mu is held.
func (a *AuthCache) setChecked(t time.Time) {
	a.checked = t
	if t.IsZero() {
		a.checkedAt.Store(0)
	} else {
		a.checkedAt.Store(t.UnixNano())
	}
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

// Current is Version, kept current without a request having to ask the
// store: the caches above it skip the store while they trust an entry,
// and so would not learn that another process replaced the world. When
// CredentialsRefresh has passed since the world's version was read, a
// call starts a read in the background (one at a time) on c, and returns
// the version as it stands; a later call sees what the read found. A
// store's Version is this.
func (a *AuthCache) Current(c Conn) uint64 {
	if time.Now().UnixNano()-a.checkedAt.Load() >= int64(CredentialsRefresh) && a.refreshing.CompareAndSwap(false, true) {
		go func() {
			defer a.refreshing.Store(false)
			ctx, cancel := context.WithTimeout(context.Background(), refreshTimeout)
			defer cancel()
			_, _ = a.fresh(ctx, c) // a failed read is tried again on a later call
		}()
	}
	return a.published.Load()
}

// refreshTimeout bounds Current's read of the world's version.
const refreshTimeout = 5 * time.Second

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
