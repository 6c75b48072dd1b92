package httpmw

import (
	"crypto/sha256"
	"sync"
	"time"

	"github.com/twilio-stubs/userconversations/server/store"
)

// Bounds of the credential cache: an entry is trusted for AuthCacheTTL at
// most, and the cache holds at most AuthCacheSize of them (then it starts
// afresh). A store that counts its writes (store.Versioned, as every
// store of the stub does) has every entry forgotten as soon as its world
// is replaced through this process, and when the store learns that
// another process replaced it (a replica sharing the database: within
// sqlworld.CredentialsRefresh and one query).
const (
	AuthCacheTTL  = time.Second
	AuthCacheSize = 10_000
)

// AuthCache remembers Authorization headers that passed the credential
// check, and the account each stands for, so that the next request with
// the same header skips decoding it and asking the store. Only headers
// that passed are kept, and by their SHA-256 rather than themselves: the
// cache holds no secret, and looking a header up compares digests, whose
// timing says nothing of the secret. It is safe for concurrent use.
type AuthCache struct {
	mu      sync.RWMutex
	entries map[[sha256.Size]byte]authEntry
	now     func() time.Time
	version func() uint64
}

type authEntry struct {
	account string
	expires time.Time
	version uint64
}

// NewAuthCache returns an empty cache for the credentials of st.
func NewAuthCache(st store.Authenticator) *AuthCache {
	version := func() uint64 { return 0 }
	if v, ok := st.(store.Versioned); ok {
		version = v.Version
	}
	return &AuthCache{entries: make(map[[sha256.Size]byte]authEntry), now: time.Now, version: version}
}

// authLookup is what a look-up leaves for remember: the header's key,
// hashed once, and the store's version read before the store checks it,
// so that an entry is never newer than the credentials it was checked
// against.
type authLookup struct {
	key     [sha256.Size]byte
	version uint64
}

// account returns the account header stands for, if the cache knows it,
// and what remember needs to keep a new entry.
func (a *AuthCache) account(header string) (account string, ok bool, l authLookup) {
	if a == nil {
		return "", false, l
	}
	l = authLookup{key: headerKey(header), version: a.version()}
	a.mu.RLock()
	e, ok := a.entries[l.key]
	a.mu.RUnlock()
	if !ok || e.version != l.version || !a.now().Before(e.expires) {
		return "", false, l
	}
	return e.account, true, l
}

// remember records that the header looked up as l passed as account.
func (a *AuthCache) remember(l authLookup, account string) {
	if a == nil {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.entries) >= AuthCacheSize {
		clear(a.entries)
	}
	a.entries[l.key] = authEntry{account: account, expires: a.now().Add(AuthCacheTTL), version: l.version}
}

// headerKey is the SHA-256 of header, hashed from a copy on the stack when
// it fits: converting it to a []byte would cost an allocation per request.
func headerKey(header string) [sha256.Size]byte {
	var buf [512]byte
	if len(header) > len(buf) {
		return sha256.Sum256([]byte(header))
	}
	return sha256.Sum256(buf[:copy(buf[:], header)])
}
