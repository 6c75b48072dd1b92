package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/twilio-stubs/userconversations/server/store"
	"github.com/twilio-stubs/userconversations/server/store/sqlite"
	"github.com/twilio-stubs/userconversations/server/store/storetest"
)

// open opens a store on a new file in the test's temporary directory and
// closes it when the test ends.
func open(t testing.TB, path string, opts ...sqlite.Option) *sqlite.Store {
	t.Helper()
	s := openUnclosed(t, path, opts...)
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

// openUnclosed opens a store on the file at path, for the suites that
// close their handles themselves.
func openUnclosed(t testing.TB, path string, opts ...sqlite.Option) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), path, opts...)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return s
}

func newFile(t testing.TB) string { return filepath.Join(t.TempDir(), "stub.db") }

func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return open(t, newFile(t)) })
}

func TestDurable(t *testing.T) {
	storetest.RunDurable(t, func(t *testing.T) storetest.OpenFunc {
		path := newFile(t)
		return func(t *testing.T) store.Store { return openUnclosed(t, path) }
	})
}

func TestShared(t *testing.T) {
	storetest.RunShared(t, func(t *testing.T) storetest.OpenFunc {
		path := newFile(t)
		return func(t *testing.T) store.Store { return openUnclosed(t, path) }
	})
}

func BenchmarkStore(b *testing.B) {
	storetest.Bench(b, func(b *testing.B) store.Store { return open(b, newFile(b)) })
}

// TestCrash kills a process updating the file with SIGKILL: every update
// acknowledged before is there after.
func TestCrash(t *testing.T) {
	storetest.RunCrash(t, func(t *testing.T) string { return newFile(t) },
		func(t *testing.T, path string) store.Store { return openUnclosed(t, path) })
}

func TestClock(t *testing.T) {
	storetest.RunClock(t, func(t *testing.T, now func() time.Time) store.Store {
		return open(t, newFile(t), sqlite.WithClock(now))
	})
}
