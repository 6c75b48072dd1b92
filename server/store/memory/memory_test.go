package memory_test

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/twilio-stubs/userconversations/server/internal/testkit"
	"github.com/twilio-stubs/userconversations/server/store"
	"github.com/twilio-stubs/userconversations/server/store/memory"
	"github.com/twilio-stubs/userconversations/server/store/storetest"
)

func TestContract(t *testing.T) {
	storetest.Run(t, func(*testing.T) store.Store { return memory.New() })
}

var t0 = time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)

// bigWorld has one account with one service, nUsers users ("user-0", ...)
// and nConvs conversations, created a second apart, each with perConv
// participants: users c*perConv, c*perConv+1, ... modulo nUsers.
func bigWorld(nUsers, nConvs, perConv int) store.World {
	svc := store.Service{SID: testkit.SID("IS", 1), Users: make([]store.User, nUsers), Conversations: make([]store.Conversation, nConvs)}
	for u := range nUsers {
		svc.Users[u] = store.User{SID: testkit.SID("US", u), Identity: fmt.Sprintf("user-%d", u)}
	}
	for c := range nConvs {
		conv := store.Conversation{
			SID:          testkit.SID("CH", c),
			State:        store.StateActive,
			DateCreated:  t0.Add(time.Duration(c) * time.Second),
			DateUpdated:  t0.Add(time.Duration(c) * time.Second),
			MessageCount: 10,
			Participants: make([]store.Participant, perConv),
		}
		for j := range perConv {
			conv.Participants[j] = store.Participant{
				SID:               testkit.SID("MB", c*perConv+j),
				UserSID:           testkit.SID("US", (c*perConv+j)%nUsers),
				NotificationLevel: store.NotificationLevelDefault,
				DateUpdated:       t0,
			}
		}
		svc.Conversations[c] = conv
	}
	return store.World{Accounts: []store.Account{{SID: testkit.SID("AC", 1), AuthToken: "token", Services: []store.Service{svc}}}}
}

func load(tb testing.TB, s *memory.Store, w store.World) {
	tb.Helper()
	if err := s.Load(context.Background(), w); err != nil {
		tb.Fatalf("Load: %v", err)
	}
}

func TestClock(t *testing.T) {
	storetest.RunClock(t, func(_ *testing.T, now func() time.Time) store.Store {
		return memory.New(memory.WithClock(now))
	})
}

// TestFootprint100k bounds the heap a world of 100,000 user conversations
// keeps: 1,000 users in 100 conversations each.
func TestFootprint100k(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a large world")
	}
	const budget = 64 << 20
	w := bigWorld(1000, 10000, 10)
	s := memory.New()
	before := heapInUse()
	load(t, s, w)
	used := heapInUse() - before
	runtime.KeepAlive(w)
	t.Logf("store of 100,000 user conversations: %.1f MiB of heap", float64(used)/(1<<20))
	if used > budget {
		t.Errorf("store holds %d MiB, want at most %d MiB", used>>20, budget>>20)
	}
	runtime.KeepAlive(s)
}

func heapInUse() int64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}

// BenchmarkLoad100k loads 100,000 user conversations: 1,000 users in 100
// conversations each.
func BenchmarkLoad100k(b *testing.B) {
	w := bigWorld(1000, 10000, 10)
	s := memory.New()
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if err := s.Load(ctx, w); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStore is the benchmark every store runs, for comparison.
func BenchmarkStore(b *testing.B) {
	storetest.Bench(b, func(*testing.B) store.Store { return memory.New() })
}
