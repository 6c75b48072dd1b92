package storetest

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/twilio-stubs/userconversations/server/store"
)

// RunShared runs the suite of store.Shared, for stores that several
// processes serve one world from: what each handle keeps beyond the world
// (secrets, fault rules, the request journal) every other handle on the
// database sees, and the counts that must be exact are exact across
// handles. newDatabase returns the OpenFunc of a new, empty database for
// one test, as for RunDurable.
func RunShared(t *testing.T, newDatabase func(t *testing.T) OpenFunc) {
	for _, s := range []struct {
		name string
		run  func(*testing.T, OpenFunc)
	}{
		{"SeedAcrossHandles", testSeedAcrossHandles},
		{"Secret", testSecret},
		{"FaultRules", testFaultRules},
		{"FaultRulesAcrossHandles", testFaultRulesAcrossHandles},
		{"ApplyFaultRuleIsExact", testApplyFaultRuleIsExact},
		{"Journal", testJournal},
		{"JournalBounds", testJournalBounds},
		{"JournalSkip", testJournalSkip},
		{"JournalAcrossHandles", testJournalAcrossHandles},
	} {
		t.Run(s.name, func(t *testing.T) { s.run(t, newDatabase(t)) })
	}
}

// sharedHandle opens a handle, which must be a store.Shared.
func sharedHandle(t *testing.T, open OpenFunc) store.Shared {
	t.Helper()
	s := handle(t, open)
	sh, ok := s.(store.Shared)
	if !ok {
		t.Fatalf("%T is not a store.Shared", s)
	}
	return sh
}

// testSeedAcrossHandles seeds one new database through three handles at
// once: one of them seeds it, the others find it seeded.
func testSeedAcrossHandles(t *testing.T, open OpenFunc) {
	handles := []store.Store{handle(t, open), handle(t, open), handle(t, open)}
	seeders := make([]store.Seeder, len(handles))
	for i, h := range handles {
		seeders[i] = h.(store.Seeder)
	}
	if n := concurrentSeeds(t, seeders...); n != 1 {
		t.Errorf("%d of 3 handles seeded the database, want 1", n)
	}
	for i, h := range handles {
		equalWorld(t, fmt.Sprintf("Snapshot through handle %d", i), snapshot(t, h), fixtureWorld())
	}
}

func testSecret(t *testing.T, open OpenFunc) {
	ctx := context.Background()
	a, b := sharedHandle(t, open), sharedHandle(t, open)
	first, err := a.Secret(ctx, "page-token-key", 32)
	if err != nil || len(first) != 32 {
		t.Fatalf("Secret = %x, %v; want 32 bytes", first, err)
	}
	for i, h := range []store.Shared{a, b, sharedHandle(t, open)} {
		again, err := h.Secret(ctx, "page-token-key", 32)
		if err != nil || !bytes.Equal(again, first) {
			t.Errorf("handle %d: Secret = %x, %v; want the first one, %x", i, again, err, first)
		}
	}
	other, err := b.Secret(ctx, "another", 32)
	if err != nil || bytes.Equal(other, first) {
		t.Errorf("another name's secret = %x, %v; want one of its own", other, err)
	}
}

// ruleIDs lists the ids of rules, in order.
func ruleIDs(t *testing.T, s store.Shared) ([]string, int64) {
	t.Helper()
	rules, version, err := s.FaultRules(context.Background())
	if err != nil {
		t.Fatalf("FaultRules: %v", err)
	}
	ids := []string{}
	for _, r := range rules {
		ids = append(ids, r.ID)
	}
	return ids, version
}

func put(t *testing.T, s store.Shared, r store.FaultRule) (store.FaultRule, bool) {
	t.Helper()
	kept, added, err := s.PutFaultRule(context.Background(), r)
	if err != nil {
		t.Fatalf("PutFaultRule(%q): %v", r.ID, err)
	}
	return kept, added
}

// testFaultRules: ids handed out in turn (skipping those taken, going on
// after a clear), order of addition kept through replacements, versions
// changing with every change but an application.
func testFaultRules(t *testing.T, open OpenFunc) {
	ctx := context.Background()
	s := sharedHandle(t, open)
	ids, v0 := ruleIDs(t, s)
	if len(ids) != 0 {
		t.Fatalf("a new database has rules %v", ids)
	}
	if r, added := put(t, s, store.FaultRule{Rule: []byte(`{"a":1}`), Times: 2}); r.ID != "f1" || !added {
		t.Errorf("first rule: %q, added %v; want f1, added", r.ID, added)
	}
	put(t, s, store.FaultRule{ID: "f3", Rule: []byte(`{"b":1}`)})
	put(t, s, store.FaultRule{Rule: []byte(`{"c":1}`)}) // f2
	if r, _ := put(t, s, store.FaultRule{Rule: []byte(`{"d":1}`)}); r.ID != "f4" {
		t.Errorf("a rule after f3 was taken got %q, want f4", r.ID)
	}
	if applied, ok, err := s.ApplyFaultRule(ctx, "f1"); applied != 1 || !ok || err != nil {
		t.Fatalf("ApplyFaultRule(f1) = %d, %v, %v", applied, ok, err)
	}
	ids, v1 := ruleIDs(t, s)
	if !slices.Equal(ids, []string{"f1", "f3", "f2", "f4"}) || v1 == v0 {
		t.Errorf("rules %v at version %d (from %d); want f1 f3 f2 f4 at a new version", ids, v1, v0)
	}
	if v, err := s.FaultRulesVersion(ctx); err != nil || v != v1 {
		t.Errorf("FaultRulesVersion = %d, %v; want %d: applying a rule changes no version", v, err, v1)
	}

	r, added := put(t, s, store.FaultRule{ID: "f1", Rule: []byte(`{"a":2}`), Times: 5})
	rules, v2, err := s.FaultRules(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if added || r.ID != "f1" || rules[0].ID != "f1" || string(rules[0].Rule) != `{"a":2}` || rules[0].Times != 5 || rules[0].Applied != 0 || v2 == v1 {
		t.Errorf("replacing f1: added %v; rules[0] = %+v at version %d; want f1 in its place, new rule, times 5, applied 0, a new version", added, rules[0], v2)
	}

	if removed, err := s.RemoveFaultRule(ctx, "f3"); !removed || err != nil {
		t.Errorf("RemoveFaultRule(f3) = %v, %v", removed, err)
	}
	if removed, err := s.RemoveFaultRule(ctx, "f3"); removed || err != nil {
		t.Errorf("RemoveFaultRule(f3) again = %v, %v; want false", removed, err)
	}
	if _, ok, err := s.ApplyFaultRule(ctx, "f3"); ok || err != nil {
		t.Errorf("ApplyFaultRule of a removed rule = %v, %v; want false", ok, err)
	}
	if ids, _ := ruleIDs(t, s); !slices.Equal(ids, []string{"f1", "f2", "f4"}) {
		t.Errorf("rules after removing f3: %v", ids)
	}
	if err := s.ClearFaultRules(ctx); err != nil {
		t.Fatal(err)
	}
	if ids, v3 := ruleIDs(t, s); len(ids) != 0 || v3 == v2 {
		t.Errorf("after a clear: rules %v at version %d (was %d)", ids, v3, v2)
	}
	if r, _ := put(t, s, store.FaultRule{Rule: []byte(`{}`)}); r.ID != "f5" {
		t.Errorf("a rule after a clear got %q, want f5: ids go on", r.ID)
	}
}

// testFaultRulesAcrossHandles: a rule put through one handle is seen, at a
// new version, through another; ids handed out through both never repeat.
func testFaultRulesAcrossHandles(t *testing.T, open OpenFunc) {
	ctx := context.Background()
	a, b := sharedHandle(t, open), sharedHandle(t, open)
	v0, err := b.FaultRulesVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	put(t, a, store.FaultRule{ID: "shared", Rule: []byte(`{"x":1}`), Times: 1})
	if v, _ := b.FaultRulesVersion(ctx); v == v0 {
		t.Error("the version seen through B did not change with a rule put through A")
	}
	if ids, _ := ruleIDs(t, b); !slices.Equal(ids, []string{"shared"}) {
		t.Errorf("rules through B: %v", ids)
	}
	var mu sync.Mutex
	seen := map[string]bool{}
	var wg sync.WaitGroup
	for _, h := range []store.Shared{a, b} {
		wg.Go(func() {
			for range 10 {
				r, _, err := h.PutFaultRule(ctx, store.FaultRule{Rule: []byte(`{}`)})
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				if seen[r.ID] {
					t.Errorf("id %s handed out twice", r.ID)
				}
				seen[r.ID] = true
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if ids, _ := ruleIDs(t, a); len(ids) != 21 {
		t.Errorf("%d rules after 21 puts", len(ids))
	}
}

// testApplyFaultRuleIsExact applies a rule of 7 times from 8 goroutines
// on two handles: it is applied exactly 7 times.
func testApplyFaultRuleIsExact(t *testing.T, open OpenFunc) {
	ctx := context.Background()
	a, b := sharedHandle(t, open), sharedHandle(t, open)
	put(t, a, store.FaultRule{ID: "seven", Rule: []byte(`{}`), Times: 7})
	put(t, a, store.FaultRule{ID: "always", Rule: []byte(`{}`)})
	var applied atomic.Int32
	var wg sync.WaitGroup
	for g := range 8 {
		h := []store.Shared{a, b}[g%2]
		wg.Go(func() {
			for range 5 {
				if _, ok, err := h.ApplyFaultRule(ctx, "seven"); err != nil {
					t.Error(err)
				} else if ok {
					applied.Add(1)
				}
				if _, ok, err := h.ApplyFaultRule(ctx, "always"); !ok || err != nil {
					t.Errorf("ApplyFaultRule of a rule without a limit = %v, %v", ok, err)
				}
			}
		})
	}
	wg.Wait()
	rules, _, err := b.FaultRules(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n := applied.Load(); n != 7 || rules[0].Applied != 7 || rules[1].Applied != 40 {
		t.Errorf("the rule of 7 was applied %d times (counted %d), the one without a limit %d; want 7, 7, 40", n, rules[0].Applied, rules[1].Applied)
	}
}

// entry is a journal entry of data counting size bytes.
func entry(data string, size int64) store.JournalEntry {
	return store.JournalEntry{Data: []byte(data), Bytes: size}
}

// journal reads the journal, newest first, as seq:data strings.
func journal(t *testing.T, s store.Shared) []string {
	t.Helper()
	out := []string{}
	if err := s.Requests(context.Background(), func(e store.JournalEntry) bool {
		out = append(out, fmt.Sprintf("%d:%s", e.Seq, e.Data))
		return true
	}); err != nil {
		t.Fatalf("Requests: %v", err)
	}
	return out
}

func appendRequests(t *testing.T, s store.Shared, maxEntries int, maxBytes int64, entries ...store.JournalEntry) {
	t.Helper()
	if err := s.AppendRequests(context.Background(), entries, maxEntries, maxBytes); err != nil {
		t.Fatalf("AppendRequests: %v", err)
	}
}

// testJournal: entries numbered in order, read newest first, a read
// stopped early, a clear after which numbering goes on.
func testJournal(t *testing.T, open OpenFunc) {
	ctx := context.Background()
	s := sharedHandle(t, open)
	appendRequests(t, s, 100, 1<<20, entry("a", 1), entry("b", 1))
	appendRequests(t, s, 100, 1<<20, entry("c", 1))
	if got := journal(t, s); !slices.Equal(got, []string{"3:c", "2:b", "1:a"}) {
		t.Errorf("journal %v", got)
	}
	var first []string
	if err := s.Requests(ctx, func(e store.JournalEntry) bool { first = append(first, string(e.Data)); return false }); err != nil || !slices.Equal(first, []string{"c"}) {
		t.Errorf("a read stopped after one entry got %v, %v", first, err)
	}
	if err := s.ClearRequests(ctx); err != nil {
		t.Fatal(err)
	}
	if got := journal(t, s); len(got) != 0 {
		t.Errorf("journal after a clear: %v", got)
	}
	appendRequests(t, s, 100, 1<<20, entry("d", 1))
	if got := journal(t, s); !slices.Equal(got, []string{"4:d"}) {
		t.Errorf("journal after a clear and an append: %v; numbering goes on", got)
	}
}

// testJournalSkip: an entry's Skip leaves that many numbers unused before
// it, in an empty journal as after entries, and between entries of one
// append.
func testJournalSkip(t *testing.T, open OpenFunc) {
	s := sharedHandle(t, open)
	skip := func(e store.JournalEntry, n int64) store.JournalEntry { e.Skip = n; return e }
	appendRequests(t, s, 100, 1<<20, skip(entry("a", 1), 2))
	appendRequests(t, s, 100, 1<<20, entry("b", 1), skip(entry("c", 1), 3), entry("d", 1))
	appendRequests(t, s, 100, 1<<20, skip(entry("e", 1), 1))
	if got := journal(t, s); !slices.Equal(got, []string{"11:e", "9:d", "8:c", "4:b", "3:a"}) {
		t.Errorf("journal %v", got)
	}
}

// testJournalBounds: the journal keeps the newest entries within both
// bounds, and the newest alone when it is over the byte bound itself.
func testJournalBounds(t *testing.T, open OpenFunc) {
	s := sharedHandle(t, open)
	for i := range 5 {
		appendRequests(t, s, 3, 1000, entry(fmt.Sprint(i), 10))
	}
	if got := journal(t, s); !slices.Equal(got, []string{"5:4", "4:3", "3:2"}) {
		t.Errorf("entry bound 3: %v", got)
	}
	appendRequests(t, s, 3, 25, entry("x", 10)) // 3+4 are 20, +x 30 > 25
	if got := journal(t, s); !slices.Equal(got, []string{"6:x", "5:4"}) {
		t.Errorf("byte bound 25: %v", got)
	}
	appendRequests(t, s, 3, 25, entry("big", 100))
	if got := journal(t, s); !slices.Equal(got, []string{"7:big"}) {
		t.Errorf("an entry over the byte bound: %v; want it alone", got)
	}
	appendRequests(t, s, 3, 25, entry("p", 5), entry("q", 5), entry("r", 5), entry("s", 5))
	if got := journal(t, s); !slices.Equal(got, []string{"11:s", "10:r", "9:q"}) {
		t.Errorf("a batch over the entry bound: %v", got)
	}
}

// testJournalAcrossHandles: entries appended through two handles at once
// are all kept, numbered once, and read through either.
func testJournalAcrossHandles(t *testing.T, open OpenFunc) {
	a, b := sharedHandle(t, open), sharedHandle(t, open)
	var wg sync.WaitGroup
	for i, h := range []store.Shared{a, b} {
		wg.Go(func() {
			for j := range 20 {
				if err := h.AppendRequests(context.Background(), []store.JournalEntry{entry(fmt.Sprint(i, j), 1)}, 1000, 1<<20); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	got := journal(t, b)
	if len(got) != 40 || !slices.Equal(got, journal(t, a)) {
		t.Fatalf("%d entries through B, want 40, the same as through A", len(got))
	}
	// Newest first, numbered in one sequence across both handles. (Two
	// alike could not happen: the number is the table's primary key.)
	last := int64(math.MaxInt64)
	for _, e := range got {
		seqText, _, _ := strings.Cut(e, ":")
		seq, err := strconv.ParseInt(seqText, 10, 64)
		if err != nil || seq >= last {
			t.Fatalf("entries not newest first by number: %v", got)
		}
		last = seq
	}
}
