package postgres_test

import (
	"os"
	"testing"

	"github.com/twilio-stubs/userconversations/server/internal/testkit/pgtest"
)

// The tests run on the server pgtest finds or starts: STUB_TEST_POSTGRES,
// or a throwaway cluster; without either they skip, saying so.
func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }
