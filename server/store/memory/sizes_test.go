package memory_test

import (
	"context"
	"testing"

	"github.com/twilio-stubs/userconversations/server/internal/testkit"
	"github.com/twilio-stubs/userconversations/server/store"
	"github.com/twilio-stubs/userconversations/server/store/memory"
)

// countWorld counts w the slow way, item by item.
func countWorld(w store.World) store.Sizes {
	var n store.Sizes
	n.Accounts = len(w.Accounts)
	for _, a := range w.Accounts {
		for _, s := range a.Services {
			n.Users += len(s.Users)
			n.Conversations += len(s.Conversations)
			for _, c := range s.Conversations {
				n.UserConversations += len(c.Participants)
			}
		}
	}
	return n
}

// Sizes follows every write: Load, a removal, Modify.
func TestSizesFollowTheWorld(t *testing.T) {
	ctx := context.Background()
	st := memory.New()
	check := func(step string) {
		t.Helper()
		got, err := st.Sizes(ctx)
		if err != nil {
			t.Fatal(err)
		}
		w, _ := st.Snapshot(ctx)
		if want := countWorld(w); got != want {
			t.Fatalf("%s: Sizes %+v, the world has %+v", step, got, want)
		}
	}
	check("empty")
	if err := st.Load(ctx, bigWorld(20, 50, 3)); err != nil {
		t.Fatal(err)
	}
	check("load")
	if got, _ := st.Sizes(ctx); got.UserConversations != 150 || got.Users != 20 || got.Conversations != 50 {
		t.Fatalf("bigWorld(20, 50, 3): %+v", got)
	}
	if err := st.RemoveUserConversation(ctx, store.Scope{Account: testkit.SID("AC", 1)}, "user-0", testkit.SID("CH", 0)); err != nil {
		t.Fatal(err)
	}
	check("remove")
	if err := st.Modify(ctx, func(store.World) (store.World, error) { return testkit.World(), nil }); err != nil {
		t.Fatal(err)
	}
	check("modify")
}
