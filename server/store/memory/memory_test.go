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

var scope = store.Scope{Account: testkit.SID("AC", 1)}

func load(tb testing.TB, s *memory.Store, w store.World) {
	tb.Helper()
	if err := s.Load(context.Background(), w); err != nil {
		tb.Fatalf("Load: %v", err)
	}
}

// TestClock checks the update stamp comes from the injected clock, in UTC
// and to the second, and that the view shows the later of it and the
// conversation's DateUpdated.
func TestClock(t *testing.T) {
	ctx := context.Background()
	w := bigWorld(1, 1, 1)
	convUpdated := w.Accounts[0].Services[0].Conversations[0].DateUpdated
	tests := []struct {
		name      string
		now       time.Time
		wantStamp time.Time
		wantView  time.Time
	}{
		{"clock later than the conversation",
			time.Date(2030, 1, 2, 3, 4, 5, 999999999, time.FixedZone("UTC+1", 3600)),
			time.Date(2030, 1, 2, 2, 4, 5, 0, time.UTC),
			time.Date(2030, 1, 2, 2, 4, 5, 0, time.UTC)},
		{"clock earlier than the conversation",
			time.Date(2000, 1, 1, 0, 0, 0, 500, time.UTC),
			time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC),
			convUpdated},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := memory.New(memory.WithClock(func() time.Time { return tt.now }))
			load(t, s, w)
			uc, err := s.UpdateUserConversation(ctx, scope, "user-0", testkit.SID("CH", 0), store.Update{})
			if err != nil {
				t.Fatalf("Update: %v", err)
			}
			if !uc.DateUpdated.Equal(tt.wantView) {
				t.Errorf("view DateUpdated = %v, want %v", uc.DateUpdated, tt.wantView)
			}
			snap, _ := s.Snapshot(ctx)
			stamp := snap.Accounts[0].Services[0].Conversations[0].Participants[0].DateUpdated
			if stamp != tt.wantStamp {
				t.Errorf("participant DateUpdated = %#v, want %#v", stamp, tt.wantStamp)
			}
		})
	}
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

const benchConversations = 10_000

func benchStore(b *testing.B, w store.World) *memory.Store {
	s := memory.New()
	load(b, s, w)
	return s
}

func benchList(b *testing.B, q store.ListQuery, wantFirst string) {
	s := benchStore(b, bigWorld(1, benchConversations, 1))
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		page, err := s.ListUserConversations(ctx, scope, "user-0", q)
		if err != nil || len(page.Items) != 50 || page.Items[0].ConversationSID != wantFirst {
			b.Fatalf("List: %d items, %v", len(page.Items), err)
		}
	}
}

func BenchmarkListFirstPage(b *testing.B) {
	benchList(b, store.ListQuery{Limit: 50}, testkit.SID("CH", 0))
}

func BenchmarkListLastPage(b *testing.B) {
	const first = benchConversations - 50
	anchor := store.Position{DateCreated: t0.Add((first - 1) * time.Second), ConversationSID: testkit.SID("CH", first-1)}
	b.Run("after", func(b *testing.B) {
		benchList(b, store.ListQuery{Limit: 50, After: &anchor}, testkit.SID("CH", first))
	})
	b.Run("before", func(b *testing.B) {
		end := store.Position{DateCreated: t0.Add(benchConversations * time.Second)}
		benchList(b, store.ListQuery{Limit: 50, Before: &end}, testkit.SID("CH", first))
	})
	b.Run("offset", func(b *testing.B) {
		benchList(b, store.ListQuery{Limit: 50, Offset: first}, testkit.SID("CH", first))
	})
}

func BenchmarkFetch(b *testing.B) {
	s := benchStore(b, bigWorld(1, benchConversations, 1))
	ctx := context.Background()
	conv := testkit.SID("CH", benchConversations/2)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.FetchUserConversation(ctx, scope, "user-0", conv); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkUpdate(b *testing.B) {
	s := benchStore(b, bigWorld(1, benchConversations, 1))
	ctx := context.Background()
	conv := testkit.SID("CH", benchConversations/2)
	index := 3
	u := store.Update{SetReadIndex: true, LastReadMessageIndex: &index}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.UpdateUserConversation(ctx, scope, "user-0", conv, u); err != nil {
			b.Fatal(err)
		}
	}
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
