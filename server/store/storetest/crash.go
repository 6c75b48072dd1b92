package storetest

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twilio-stubs/userconversations/server/internal/testkit"
	"github.com/twilio-stubs/userconversations/server/store"
)

// The crash test runs its writer in a child process: the test binary run
// again with crashDatabaseEnv naming the database.
const crashDatabaseEnv = "STORETEST_CRASH_DATABASE"

const (
	crashConversations = 40
	crashWriters       = 4
	crashAcks          = 400 // acknowledged updates before the kill
)

// IsCrashChild reports whether this process is RunCrash's child. A
// TestMain that sets up a database server skips that in the child: the
// parent's is the one it writes to.
func IsCrashChild() bool { return os.Getenv(crashDatabaseEnv) != "" }

// RunCrash checks every update a store acknowledged survives kill -9. A
// child process opens the database and updates it from several goroutines,
// printing each update the store acknowledged; the parent kills it with
// SIGKILL after crashAcks acknowledgements, opens the database again, and
// finds each acknowledged update (or a later one) there.
//
// newDatabase makes a database for the test and returns what names it;
// open opens a store on a database so named, in the parent or in the
// child. Call RunCrash from a test of its own (the child runs just that
// test, by name).
func RunCrash(t *testing.T, newDatabase func(t *testing.T) string, open func(t *testing.T, database string) store.Store) {
	if database := os.Getenv(crashDatabaseEnv); database != "" {
		crashChild(t, open(t, database))
		return
	}
	database := newDatabase(t)
	s := open(t, database)
	if err := s.Load(context.Background(), crashWorld()); err != nil {
		t.Fatalf("Load: %v", err)
	}
	closeStore(t, s)

	acked := runCrashChild(t, database)

	s = open(t, database)
	defer closeStore(t, s)
	for conv, index := range acked {
		uc := fetch(t, s, scopeA, "ana", testkit.SID("CH", 0x100+conv))
		if uc.LastReadMessageIndex == nil || *uc.LastReadMessageIndex < index {
			t.Errorf("conversation %d: read index %v after the crash, but %d was acknowledged", conv, deref(uc.LastReadMessageIndex), index)
		}
	}
}

// crashWorld is ana in crashConversations conversations, none read.
func crashWorld() store.World {
	var convs []store.Conversation
	for i := range crashConversations {
		convs = append(convs, newConversation(0x100+i, t0.Add(time.Duration(i)*time.Minute), 1_000_000, newParticipant(0x1000+i, usAna)))
	}
	return store.World{Accounts: []store.Account{newAccount(0xA, newService(0xA1, []store.User{newUser(0xA11, "ana")}, convs...))}}
}

// runCrashChild starts the child, reads its acknowledgements, kills it
// after crashAcks of them, and returns the last index acknowledged for
// each conversation. Every write the child made before the kill is in the
// pipe, so reading goes on to its end.
func runCrashChild(t *testing.T, database string) map[int]int {
	cmd := exec.Command(os.Args[0], "-test.run=^"+t.Name()+"$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashDatabaseEnv+"="+database)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting the child: %v", err)
	}
	// A child that stops writing would hang the test: a guard, not an
	// assertion on speed.
	guard := time.AfterFunc(2*time.Minute, func() { cmd.Process.Kill() })
	defer guard.Stop()

	acked := make(map[int]int)
	n := 0
	lines := bufio.NewScanner(stdout)
	for lines.Scan() {
		var conv, index int
		if _, err := fmt.Sscanf(lines.Text(), "ack %d %d", &conv, &index); err != nil {
			continue // the testing package's own output
		}
		acked[conv] = max(acked[conv], index)
		if n++; n == crashAcks {
			if err := cmd.Process.Kill(); err != nil {
				t.Fatalf("kill: %v", err)
			}
		}
	}
	err = cmd.Wait()
	if n < crashAcks {
		t.Fatalf("the child acknowledged %d updates, want %d before the kill (%v):\n%s", n, crashAcks, err, stderr.String())
	}
	if !strings.Contains(fmt.Sprint(err), "killed") {
		t.Fatalf("the child ended with %v, want killed:\n%s", err, stderr.String())
	}
	t.Logf("%d updates acknowledged before kill -9, %d after it was sent", crashAcks, n-crashAcks)
	return acked
}

// crashChild updates s until it is killed: writer g sets the read index of
// its conversations (those i with i%crashWriters == g) to 1, 2, 3, ... in
// turn, and prints each update s acknowledged.
func crashChild(t *testing.T, s store.Store) {
	ctx := context.Background()
	var printing sync.Mutex
	var wg sync.WaitGroup
	for g := range crashWriters {
		wg.Go(func() {
			for index := 1; ; index++ {
				for conv := g; conv < crashConversations; conv += crashWriters {
					u := store.Update{SetReadIndex: true, LastReadMessageIndex: new(index)}
					if _, err := s.UpdateUserConversation(ctx, scopeA, "ana", testkit.SID("CH", 0x100+conv), u); err != nil {
						t.Errorf("Update: %v", err)
						return
					}
					printing.Lock()
					fmt.Fprintf(os.Stdout, "ack %d %d\n", conv, index) // unbuffered: in the pipe once written
					printing.Unlock()
				}
			}
		})
	}
	wg.Wait()
}

// closeStore closes s, which must be an io.Closer.
func closeStore(t *testing.T, s store.Store) {
	t.Helper()
	c, ok := s.(io.Closer)
	if !ok {
		t.Fatalf("%T has no Close", s)
	}
	if err := c.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
}
