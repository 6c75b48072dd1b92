package admin_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/twilio-stubs/userconversations/server"
	"github.com/twilio-stubs/userconversations/server/store/sqlite"
	"github.com/twilio-stubs/userconversations/server/stubtest"
)

// sharedEnv, set, makes every stub of this package serve a SQLite store:
// the journal and the faults are then the shared ones (SharedJournal,
// SharedFaults) that replicas on one database use, and each test of the
// package holds for them as for the in-memory ones.
const sharedEnv = "ADMIN_TEST_SHARED_STORE"

// The whole package again, on the shared journal and faults: run as a
// child process, so that each test runs unchanged.
func TestOnTheSharedJournalAndFaults(t *testing.T) {
	if os.Getenv(sharedEnv) != "" {
		t.Skip("this is the run on the shared journal and faults")
	}
	if testing.Short() {
		t.Skip("-short: the package's run on the shared journal and faults is left out")
	}
	args := []string{"-test.count=1", "-test.timeout=5m"}
	if testing.Verbose() {
		args = append(args, "-test.v")
	}
	cmd := exec.CommandContext(t.Context(), os.Args[0], args...)
	cmd.Env = append(os.Environ(), sharedEnv+"=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the admin tests on the shared journal and faults: %v\n%s", err, out)
	}
	if testing.Verbose() {
		t.Logf("%s", out)
	}
}

// sharedStore is the option newStub adds under sharedEnv: the world in a
// SQLite file of the test's own.
func sharedStore(t *testing.T) []stubtest.Option {
	if os.Getenv(sharedEnv) == "" {
		return nil
	}
	return []stubtest.Option{stubtest.WithConfig(func(c *server.Config) {
		st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "stub.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() }) // after the stub's: cleanups run last first
		if err := st.Load(context.Background(), c.Fixtures); err != nil {
			t.Fatal(err)
		}
		c.Store = st
	})}
}
