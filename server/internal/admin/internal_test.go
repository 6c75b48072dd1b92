package admin

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/twilio-stubs/userconversations/gen/adminserver"
	"github.com/twilio-stubs/userconversations/server/internal/routes"
)

func TestJournalRingUnderConcurrency(t *testing.T) {
	const size, writers, each = 64, 8, 500
	j := NewJournal(size, 0)
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				j.Record(Entry{Method: "GET", Path: fmt.Sprintf("/w%d/%d", w, i), Query: url.Values{"i": {fmt.Sprint(i)}}})
				if i%50 == 0 {
					_, _ = j.Entries(context.Background(), Filter{Path: "/w", Limit: 3})
				}
			}
		})
	}
	wg.Wait()
	if j.Len() != size || cap(j.ring) != size {
		t.Fatalf("len %d cap %d, want at most %d entries", j.Len(), cap(j.ring), size)
	}
	entries, _ := j.Entries(context.Background(), Filter{})
	for i, e := range entries {
		if want := int64(writers*each - size + i + 1); e.Seq != want {
			t.Fatalf("entry %d has seq %d, want %d: not the latest, in order", i, e.Seq, want)
		}
	}
	// What Entries returns is the caller's.
	entries[0].Query.Set("i", "changed")
	if e, _ := j.Entries(context.Background(), Filter{}); e[0].Query.Get("i") == "changed" {
		t.Fatal("Entries shares its maps with the journal")
	}
}

func TestJournalNeverAllocatesPastItsSize(t *testing.T) {
	for _, size := range []int{1, 5, 16, 17, 1000, 1001} {
		j := NewJournal(size, 0)
		for i := range 3 * size {
			j.Record(Entry{})
			if cap(j.ring) > size || j.Len() != min(i+1, size) {
				t.Fatalf("size %d after %d entries: len %d cap %d", size, i+1, j.Len(), cap(j.ring))
			}
		}
	}
}

func TestJournalSizeOne(t *testing.T) {
	j := NewJournal(0, 0) // at least one
	j.Record(Entry{Path: "/a"})
	j.Record(Entry{Path: "/b"})
	if e, _ := j.Entries(context.Background(), Filter{}); len(e) != 1 || e[0].Path != "/b" || e[0].Seq != 2 {
		t.Fatalf("entries %+v", e)
	}
}

// times n applies exactly n times, however many requests race for it.
func TestFaultTimesUnderConcurrency(t *testing.T) {
	fs := NewFaults()
	if _, _, err := fs.Put(context.Background(), Fault{Status: 503, Times: 7, Probability: 1}); err != nil {
		t.Fatal(err)
	}
	var applied atomic.Int64
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			for range 20 {
				if _, ok, _ := fs.Take(context.Background(), Request{Account: "AC1", Operation: "FetchUserConversation"}); ok {
					applied.Add(1)
				}
			}
		})
	}
	wg.Wait()
	if n := applied.Load(); n != 7 {
		t.Fatalf("applied %d times, want 7", n)
	}
	if list, _ := fs.List(context.Background()); list[0].Applied != 7 {
		t.Fatalf("counted %d", list[0].Applied)
	}
}

func TestFaultProbabilityIsRoughlyKept(t *testing.T) {
	fs := NewFaults()
	if _, _, err := fs.Put(context.Background(), Fault{Drop: true, Probability: 0.3}); err != nil {
		t.Fatal(err)
	}
	const n = 10000
	hits := 0
	for range n {
		if _, ok, _ := fs.Take(context.Background(), Request{}); ok {
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
	table, err := routes.FromEmbedded(adminserver.PathToRawSpec, adminserver.GetSpec)
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

// The journal holds at most its byte bound, dropping the oldest entries
// first; one entry over the bound on its own is kept alone.
func TestJournalIsBoundedByBytes(t *testing.T) {
	big := func(n int) Entry {
		return Entry{Method: "GET", Path: "/v1/x", Query: url.Values{"q": {strings.Repeat("x", n)}}}
	}
	j := NewJournal(1000, 64<<10)
	for range 50 {
		j.Record(big(10_000))
	}
	if j.Bytes() > 64<<10 || j.Len() != 6 {
		t.Fatalf("%d entries, %d bytes; want 6 entries within 65536 bytes", j.Len(), j.Bytes())
	}
	entries, _ := j.Entries(context.Background(), Filter{})
	if entries[0].Seq != 45 || entries[5].Seq != 50 {
		t.Fatalf("kept seq %d..%d, want the latest, 45..50", entries[0].Seq, entries[5].Seq)
	}
	j.Record(big(100_000))
	if e, _ := j.Entries(context.Background(), Filter{}); j.Len() != 1 || e[0].Seq != 51 {
		t.Fatalf("an oversized entry: %d entries", j.Len())
	}
	j.Record(big(10))
	if j.Len() != 1 {
		t.Fatalf("after an oversized entry, a small one: %d entries", j.Len())
	}
	_ = j.Clear(context.Background())
	if j.Bytes() != 0 || j.Len() != 0 {
		t.Fatalf("after Clear: %d entries, %d bytes", j.Len(), j.Bytes())
	}
}

// parseCapped reads what url.ParseQuery reads, until its budget.
func TestParseCapped(t *testing.T) {
	for _, raw := range []string{"", "a=1", "a=1&a=2&b=", "x=%41%42&&y", "bad=%ZZ&ok=1", "a;b=1&c=2", "PageSize=5&PageToken=PT+x%2F"} {
		got, cut := parseCapped(raw, 1<<20)
		want, _ := url.ParseQuery(raw)
		if cut || !reflect.DeepEqual(got, want) {
			t.Errorf("%q: %v (cut %v), url.ParseQuery %v", raw, got, cut, want)
		}
	}
	long := strings.Repeat("k=vvvv&", 4200)
	got, cut := parseCapped(long, MaxJournalValuesBytes)
	if !cut || len(got["k"]) != MaxJournalValuesBytes/5 {
		t.Errorf("4,200 pairs: %d kept, cut %v", len(got["k"]), cut)
	}
}
