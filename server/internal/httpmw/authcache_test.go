package httpmw

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/twilio-stubs/userconversations/server/internal/twilioerr"
	"github.com/twilio-stubs/userconversations/server/store"
)

// countingAuth accepts one token, counts the checks, and has a version.
type countingAuth struct {
	checks  atomic.Int64
	version atomic.Uint64
	token   atomic.Value // string
}

func (a *countingAuth) Authenticate(_ context.Context, username, password string) (string, error) {
	a.checks.Add(1)
	if username != "AC1" || password != a.token.Load().(string) {
		return "", store.ErrUnauthenticated
	}
	return "AC1", nil
}

func (a *countingAuth) Version() uint64 { return a.version.Load() }

// authServer serves 200 "AC1" behind Authenticate with a cache on auth.
func authServer(auth store.Authenticator, cache *AuthCache) *echo.Echo {
	e := echo.New()
	e.HTTPErrorHandler = func(err error, c echo.Context) {
		status := http.StatusInternalServerError
		if te, ok := errors.AsType[*twilioerr.Error](err); ok {
			status = te.Status
		}
		_ = c.NoContent(status)
	}
	e.GET("/", func(c echo.Context) error { return c.String(http.StatusOK, Account(c)) }, Authenticate(auth, cache))
	return e
}

func get(e *echo.Echo, user, password string) int {
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.SetBasicAuth(user, password)
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, req)
	if rec.Code == http.StatusOK && rec.Body.String() != "AC1" {
		return -1
	}
	return rec.Code
}

func TestAuthCache(t *testing.T) {
	auth := &countingAuth{}
	auth.token.Store("secret")
	cache := NewAuthCache(auth)
	now := time.Unix(1_700_000_000, 0)
	cache.now = func() time.Time { return now }
	e := authServer(auth, cache)

	steps := []struct {
		name           string
		do             func()
		user, password string
		status         int
		checks         int64 // the store's checks so far
	}{
		{"first request: checked", nil, "AC1", "secret", 200, 1},
		{"same header: remembered", nil, "AC1", "secret", 200, 1},
		{"wrong token: checked", nil, "AC1", "wrong", 401, 2},
		{"wrong token again: checked again, never remembered", nil, "AC1", "wrong", 401, 3},
		{"after the TTL: checked", func() { now = now.Add(AuthCacheTTL) }, "AC1", "secret", 200, 4},
		{"the world replaced: checked, and the old token refused", func() { auth.token.Store("new"); auth.version.Add(1) }, "AC1", "secret", 401, 5},
		{"the new token", nil, "AC1", "new", 200, 6},
		{"the new token, remembered", nil, "AC1", "new", 200, 6},
	}
	for _, s := range steps {
		if s.do != nil {
			s.do()
		}
		if got := get(e, s.user, s.password); got != s.status {
			t.Fatalf("%s: status %d, want %d", s.name, got, s.status)
		}
		if got := auth.checks.Load(); got != s.checks {
			t.Fatalf("%s: %d checks, want %d", s.name, got, s.checks)
		}
	}
}

// An entry checked against an older world is not taken for current.
func TestAuthCacheRemembersTheVersionBeforeTheCheck(t *testing.T) {
	auth := &countingAuth{}
	auth.token.Store("secret")
	cache := NewAuthCache(auth)
	_, _, before := cache.account("Basic x")
	auth.version.Add(1) // the world changes while the header is checked
	cache.remember(before, "AC1")
	if _, ok, _ := cache.account("Basic x"); ok {
		t.Fatal("an entry of the old world was taken for current")
	}
}

func TestAuthCacheIsBounded(t *testing.T) {
	cache := NewAuthCache(&countingAuth{})
	for i := range AuthCacheSize + 10 {
		cache.remember(authLookup{key: headerKey(string(rune(i)) + "header")}, "AC1")
	}
	if n := len(cache.entries); n > AuthCacheSize {
		t.Fatalf("%d entries, over %d", n, AuthCacheSize)
	}
}
