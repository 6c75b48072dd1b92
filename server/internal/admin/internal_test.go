package admin

import (
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/twilio-stubs/userconversations/gen/adminserver"
	"github.com/twilio-stubs/userconversations/server/internal/routes"
)

func TestJournalRingUnderConcurrency(t *testing.T) {
	const size, writers, each = 64, 8, 500
	j := NewJournal(size)
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				j.Record(Entry{Method: "GET", Path: fmt.Sprintf("/w%d/%d", w, i), Query: url.Values{"i": {fmt.Sprint(i)}}})
				if i%50 == 0 {
					_ = j.Entries(Filter{Path: "/w", Limit: 3})
				}
			}
		})
	}
	wg.Wait()
	if j.Len() != size || cap(j.ring) != size {
		t.Fatalf("len %d cap %d, want at most %d entries", j.Len(), cap(j.ring), size)
	}
	entries := j.Entries(Filter{})
	for i, e := range entries {
		if want := int64(writers*each - size + i + 1); e.Seq != want {
			t.Fatalf("entry %d has seq %d, want %d: not the latest, in order", i, e.Seq, want)
		}
	}
	// What Entries returns is the caller's.
	entries[0].Query.Set("i", "changed")
	if j.Entries(Filter{})[0].Query.Get("i") == "changed" {
		t.Fatal("Entries shares its maps with the journal")
	}
}

func TestJournalNeverAllocatesPastItsSize(t *testing.T) {
	for _, size := range []int{1, 5, 16, 17, 1000, 1001} {
		j := NewJournal(size)
		for i := range 3 * size {
			j.Record(Entry{})
			if cap(j.ring) > size || j.Len() != min(i+1, size) {
				t.Fatalf("size %d after %d entries: len %d cap %d", size, i+1, j.Len(), cap(j.ring))
			}
		}
	}
}

func TestJournalSizeOne(t *testing.T) {
	j := NewJournal(0) // at least one
	j.Record(Entry{Path: "/a"})
	j.Record(Entry{Path: "/b"})
	if e := j.Entries(Filter{}); len(e) != 1 || e[0].Path != "/b" || e[0].Seq != 2 {
		t.Fatalf("entries %+v", e)
	}
}

// times n applies exactly n times, however many requests race for it.
func TestFaultTimesUnderConcurrency(t *testing.T) {
	fs := NewFaults()
	if _, _, err := fs.Put(Fault{Status: 503, Times: 7, Probability: 1}); err != nil {
		t.Fatal(err)
	}
	var applied atomic.Int64
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			for range 20 {
				if _, ok := fs.take("AC1", "FetchUserConversation"); ok {
					applied.Add(1)
				}
			}
		})
	}
	wg.Wait()
	if n := applied.Load(); n != 7 {
		t.Fatalf("applied %d times, want 7", n)
	}
	if f := fs.List()[0]; f.Applied != 7 {
		t.Fatalf("counted %d", f.Applied)
	}
}

func TestFaultProbabilityIsRoughlyKept(t *testing.T) {
	fs := NewFaults()
	if _, _, err := fs.Put(Fault{Drop: true, Probability: 0.3}); err != nil {
		t.Fatal(err)
	}
	const n = 10000
	hits := 0
	for range n {
		if _, ok := fs.take("", ""); ok {
			hits++
		}
	}
	if hits < 2500 || hits > 3500 {
		t.Fatalf("probability 0.3 applied %d times in %d", hits, n)
	}
}

// The fixture documents of the admin spec, and only they, are left to the
// fixtures package.
func TestFixtureDocument(t *testing.T) {
	spec, err := adminserver.GetSpec()
	if err != nil {
		t.Fatal(err)
	}
	table, err := routes.New(spec)
	if err != nil {
		t.Fatal(err)
	}
	for _, op := range table.Operations() {
		var route *routes.Route
		for _, method := range []string{http.MethodGet, http.MethodPut, http.MethodPost, http.MethodDelete} {
			for path := range spec.Paths.Map() {
				if r := table.Lookup(method, routes.EchoPath(path)); r != nil && r.OperationID == op {
					route = r
				}
			}
		}
		if route == nil {
			t.Fatalf("%s: no route found", op)
		}
		want := op == "ReplaceState" || op == "MergeState"
		if got := FixtureDocument(route); got != want {
			t.Errorf("%s: FixtureDocument %v, want %v", op, got, want)
		}
	}
}
