package sqlworld

import (
	"context"
	"crypto/subtle"
	"sync"
	"sync/atomic"
	"time"

	"github.com/twilio-stubs/userconversations/server/store"
)

// credentialsSQL finds the secret of an account or API key SID, and the
// world's version in the same statement, so that both come from one
// state of the database: the two prefixes differ, so at most one secret
// comes back, and the version comes back when none does.
const credentialsSQL = `SELECT w.value, COALESCE(c.sid, ''), COALESCE(c.secret, '') FROM shared_counters w LEFT JOIN (
SELECT sid, auth_token AS secret FROM accounts WHERE sid = $1
UNION ALL
SELECT a.sid, k.secret FROM api_keys k JOIN accounts a ON a.id = k.account_id WHERE k.sid = $1
) c ON true WHERE w.name = 'world_version'`

// credentials reads the account and secret of an account or API key SID,
// "" and "" if there is none, and the world's version they belong to.
func credentials(ctx context.Context, c Conn, username string) (account, secret string, version int64, err error) {
	err = queryRow(ctx, c, credentialsSQL, []any{username}, &version, &account, &secret)
	return account, secret, version, err
}

// check accepts password if it is secret, and secret is not empty.
func check(account, secret, password string) (string, error) {
	if secret == "" || subtle.ConstantTimeCompare([]byte(password), []byte(secret)) != 1 {
		return "", store.ErrUnauthenticated
	}
	return account, nil
}

// CredentialsRefresh is how often an AuthCache reads the world's version
// while the store is asked for its own (Current): a replacement of the
// world (Load, Modify, Seed) by another process, credentials included, is
// seen within this time, and one by this process at once.
const CredentialsRefresh = 100 * time.Millisecond

// AuthCache authenticates against the database on every call, and keeps
// the store's version (Current). The caches above the store (the HTTP
// layer's) trust what they remember only while that version stays the
// same, so it changes whenever the world's version (BumpWorldVersion),
// which every replacement of the world changes, is seen to move. The
// credentials themselves are not kept: those caches already spare the
// store most requests, and a secret kept in memory is one more copy to
// leak.
type AuthCache struct {
	mu      sync.Mutex
	version int64 // the newest world's version seen

	// published is the store's version: it changes whenever version moves
	// or this process replaced the world.
	published atomic.Uint64
	// checkedAt is when the world's version was last read, in Unix
	// nanoseconds; 0 has the next Current read it. refreshing is whether
	// a read is under way in the background.
	checkedAt  atomic.Int64
	refreshing atomic.Bool
}

// Authenticate accepts an Account SID with its auth token, or an API key
// SID with its secret, and returns the account SID. The world's version
// read with the credentials moves the store's version before the answer,
// so that no answer comes from a world newer than that version says.
func (a *AuthCache) Authenticate(ctx context.Context, c Conn, username, password string) (string, error) {
	account, secret, version, err := credentials(ctx, c, username)
	if err != nil {
		return "", err
	}
	a.seen(version)
	return check(account, secret, password)
}

// fresh reads the world's version, and moves the store's version if it
// changed.
func (a *AuthCache) fresh(ctx context.Context, c Conn) error {
	v, err := WorldVersion(ctx, c)
	if err != nil {
		return err
	}
	a.seen(v)
	return nil
}

// seen takes a world's version just read. Only a newer one moves the
// store's version: reads run concurrently, and one that read an older
// version and lands after a newer one must not take the version back, as
// that would change the store's version again for nothing, and leave it
// to change once more when the newer version is next read.
func (a *AuthCache) seen(v int64) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.checkedAt.Store(time.Now().UnixNano())
	if v > a.version {
		a.version = v
		a.published.Add(1)
	}
}

// Forget changes the store's version at once: this process replaced the
// world. The next Current reads the world's version again.
func (a *AuthCache) Forget() {
	a.published.Add(1)
	a.checkedAt.Store(0)
}

// Current is the store's version, kept current without a request having
// to ask the store: the caches above it skip the store while they trust
// an entry, and so would not learn that another process replaced the
// world. When CredentialsRefresh has passed since the world's version was
// read, a call starts a read in the background (one at a time) on c, and
// returns the version as it stands; a later call sees what the read
// found. A store's Version is this.
func (a *AuthCache) Current(c Conn) uint64 {
	if time.Now().UnixNano()-a.checkedAt.Load() >= int64(CredentialsRefresh) && a.refreshing.CompareAndSwap(false, true) {
		go func() {
			defer a.refreshing.Store(false)
			ctx, cancel := context.WithTimeout(context.Background(), refreshTimeout)
			defer cancel()
			_ = a.fresh(ctx, c) // a failed read is tried again on a later call
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
