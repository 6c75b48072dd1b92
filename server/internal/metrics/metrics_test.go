package metrics

import (
	"fmt"
	"sync"
	"testing"

	"github.com/twilio-stubs/userconversations/server/store/memory"
)

// The first MaxAccounts accounts get a label of their own, for good; the
// others share "other", however many ask at once.
func TestAccountLabelsAreCapped(t *testing.T) {
	m := New(memory.New())
	sid := func(i int) string { return fmt.Sprintf("AC%032x", i) }
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := range MaxAccounts + 50 {
				m.accountLabel(sid((i + w*7) % (MaxAccounts + 50)))
			}
		})
	}
	wg.Wait()
	own := 0
	for i := range MaxAccounts + 50 {
		switch label := m.accountLabel(sid(i)); label {
		case sid(i):
			own++
		case OtherAccount:
		default:
			t.Fatalf("account %d: label %q", i, label)
		}
	}
	if own != MaxAccounts {
		t.Fatalf("%d accounts with a label of their own, want %d", own, MaxAccounts)
	}
	if got := m.accountLabel(""); got != NoAccount {
		t.Fatalf("no account: %q", got)
	}
}

func TestStatusLabel(t *testing.T) {
	for status, want := range map[int]string{0: "0", 200: "200", 404: "404", 599: "599", 600: "600", -1: "-1"} {
		if got := statusLabel(status); got != want {
			t.Errorf("statusLabel(%d) = %q", status, got)
		}
	}
}
