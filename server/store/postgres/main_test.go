package postgres_test

import (
	"os"
	"testing"

	"github.com/twilio-stubs/userconversations/server/internal/testkit/pgtest"
)

// The tests run on the server pgtest finds or starts: STUB_TEST_POSTGRES,
// or a throwaway cluster; without either they skip, saying so.
func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// newDatabase creates an empty database for the test, dropped when it
// ends, and returns its URL.
func newDatabase(t testing.TB) string {
	t.Helper()
	return pgtest.NewDatabase(t)
}
