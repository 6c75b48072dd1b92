package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/twilio-stubs/userconversations/server/internal/testkit/pgtest"
	"github.com/twilio-stubs/userconversations/server/store"
	"github.com/twilio-stubs/userconversations/server/store/postgres"
	"github.com/twilio-stubs/userconversations/server/store/storetest"
)

// open opens a store on the database at url and closes it when the test
// ends.
func open(t testing.TB, url string, opts ...postgres.Option) *postgres.Store {
	t.Helper()
	s := openUnclosed(t, url, opts...)
	t.Cleanup(func() { s.Close() })
	return s
}

func openUnclosed(t testing.TB, url string, opts ...postgres.Option) *postgres.Store {
	t.Helper()
	s, err := postgres.Open(context.Background(), url, opts...)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return s
}

func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return open(t, pgtest.NewDatabase(t)) })
}

func TestDurable(t *testing.T) {
	storetest.RunDurable(t, func(t *testing.T) storetest.OpenFunc {
		url := pgtest.NewDatabase(t)
		return func(t *testing.T) store.Store { return openUnclosed(t, url) }
	})
}

func TestShared(t *testing.T) {
	storetest.RunShared(t, func(t *testing.T) storetest.OpenFunc {
		url := pgtest.NewDatabase(t)
		return func(t *testing.T) store.Store { return openUnclosed(t, url) }
	})
}

// TestCrash kills a process updating the database with SIGKILL: every
// update acknowledged before is there after.
func TestCrash(t *testing.T) {
	storetest.RunCrash(t, func(t *testing.T) string { return pgtest.NewDatabase(t) },
		func(t *testing.T, url string) store.Store { return openUnclosed(t, url) })
}

func BenchmarkStore(b *testing.B) {
	storetest.Bench(b, func(b *testing.B) store.Store { return open(b, pgtest.NewDatabase(b)) })
}

func TestClock(t *testing.T) {
	storetest.RunClock(t, func(t *testing.T, now func() time.Time) store.Store {
		return open(t, pgtest.NewDatabase(t), postgres.WithClock(now))
	})
}
