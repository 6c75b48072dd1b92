package stubtest_test

import (
	"context"
	"fmt"
	"net/url"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/twilio-stubs/userconversations/client"
	"github.com/twilio-stubs/userconversations/server/stubtest"
)

// The demo world's alice and general, by SID.
const (
	aliceSID   = "USaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	generalSID = "CHaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	service    = "ISaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
)

func TestRequests(t *testing.T) {
	stub := stubtest.New(t)
	c := stub.Client(client.WithoutRetries())
	ctx := context.Background()
	for range c.User("alice").List(ctx, client.ListParams{PageSize: 2}) {
		break // one page
	}
	_, _ = c.User(aliceSID).Update(ctx, generalSID, client.UpdateParams{LastReadMessageIndex: client.SetReadIndex(110)})
	_, _ = c.Service(service).User("alice").Update(ctx, "general", client.UpdateParams{NotificationLevel: client.NotificationLevelMuted})
	_, _ = c.User("bob").Fetch(ctx, "nope")

	seqs := func(rs []stubtest.Request) (out []int64) {
		for _, r := range rs {
			out = append(out, r.Seq)
		}
		return out
	}
	tests := []struct {
		name  string
		match stubtest.Match
		want  []int64
	}{
		{"all", stubtest.Match{}, []int64{1, 2, 3, 4}},
		{"an operation and its twin", stubtest.Match{Operation: "UpdateUserConversation"}, []int64{2, 3}},
		{"a user by identity, named by SID", stubtest.Match{User: "alice", Method: "post"}, []int64{2, 3}},
		{"a conversation by SID, named by unique name", stubtest.Match{Conversation: generalSID}, []int64{2, 3}},
		{"a service", stubtest.Match{Service: service}, []int64{3}},
		{"form values", stubtest.Match{Form: url.Values{"LastReadMessageIndex": {"110"}}}, []int64{2}},
		{"form values not sent", stubtest.Match{Form: url.Values{"LastReadMessageIndex": {"111"}}}, nil},
		{"query values", stubtest.Match{Query: url.Values{"PageSize": {"2"}}}, []int64{1}},
		{"status", stubtest.Match{Status: 404}, []int64{4}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := seqs(stub.Requests(tt.match)); !slices.Equal(got, tt.want) {
				t.Fatalf("requests %v, want %v", got, tt.want)
			}
		})
	}

	// Each request is decoded whole.
	notFound := stub.Requests(stubtest.Match{Status: 404})[0]
	if notFound.Operation != "FetchUserConversation" || notFound.User() != "bob" || notFound.Conversation() != "nope" ||
		notFound.Code != 20404 || notFound.Message == "" || !strings.HasPrefix(notFound.RequestID, "RQ") ||
		notFound.Account != stub.AccountSID || notFound.Method != "GET" || notFound.Time.IsZero() {
		t.Fatalf("decoded: %+v", notFound)
	}
}

// fakeT records the failures a helper reports, leaving the rest (Cleanup,
// Context) to the real test it wraps; Fatalf ends the goroutine as
// testing.T's does. Run a helper that may call it with run.
type fakeT struct {
	testing.TB
	mu      sync.Mutex
	errors  []string
	fatally bool
}

func (f *fakeT) Helper() {}

func (f *fakeT) Errorf(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.errors = append(f.errors, fmt.Sprintf(format, args...))
}

func (f *fakeT) Fatalf(format string, args ...any) {
	f.Errorf(format, args...)
	f.mu.Lock()
	f.fatally = true
	f.mu.Unlock()
	runtime.Goexit()
}

// run calls fn on its own goroutine, as a test would, and waits.
func (f *fakeT) run(fn func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn()
	}()
	<-done
}

func (f *fakeT) report() string { return strings.Join(f.errors, "\n") }

func TestAssertRequested(t *testing.T) {
	stub := stubtest.New(t)
	c := stub.Client(client.WithoutRetries())
	ctx := context.Background()
	if _, err := c.User("alice").Update(ctx, "general", client.UpdateParams{LastReadMessageIndex: client.SetReadIndex(118)}); err != nil {
		t.Fatal(err)
	}

	// Present: no failure, and the requests come back.
	ft := &fakeT{TB: t}
	got := stub.AssertRequested(ft, stubtest.Match{Operation: "UpdateUserConversation", User: "alice", Form: url.Values{"LastReadMessageIndex": {"118"}}})
	if len(ft.errors) != 0 || len(got) != 1 {
		t.Fatalf("a request that was sent: %d requests, failures %q", len(got), ft.errors)
	}

	// Missing: the failure says what was wanted, what was sent, and how it
	// differs.
	ft = &fakeT{TB: t}
	stub.AssertRequested(ft, stubtest.Match{Operation: "UpdateUserConversation", User: "alice", Form: url.Values{"LastReadMessageIndex": {"119"}}})
	report := ft.report()
	for _, want := range []string{
		"no request matched operation UpdateUserConversation, user alice, form LastReadMessageIndex=119",
		"the stub received 1:",
		"#1 POST /v1/Users/alice/Conversations/general form LastReadMessageIndex=118 (UpdateUserConversation) -> 200",
		`form LastReadMessageIndex: sent ["118"], want ["119"]`,
	} {
		if !strings.Contains(report, want) {
			t.Errorf("the failure does not say %q:\n%s", want, report)
		}
	}

	ft = &fakeT{TB: t}
	stub.AssertRequestCount(ft, 2, stubtest.Match{Method: "POST"})
	if !strings.Contains(ft.report(), "1 requests matched method POST, want 2") {
		t.Errorf("count failure:\n%s", ft.report())
	}
	ft = &fakeT{TB: t}
	stub.AssertRequestCount(ft, 0, stubtest.Match{Method: "DELETE"})
	if len(ft.errors) != 0 {
		t.Errorf("no DELETE was sent, yet: %s", ft.report())
	}
}

func TestAssertRequestedWithNothingReceived(t *testing.T) {
	stub := stubtest.New(t)
	ft := &fakeT{TB: t}
	stub.AssertRequested(ft, stubtest.Match{})
	if !strings.Contains(ft.report(), "no request matched any request\nthe stub received no request") {
		t.Fatalf("failure:\n%s", ft.report())
	}
}

func TestHelpersNeedTheAdminAPI(t *testing.T) {
	ft := &fakeT{TB: t}
	stub := stubtest.New(ft, stubtest.WithoutAdmin())
	ft.run(func() { stub.Requests(stubtest.Match{}) })
	if !ft.fatally || !strings.Contains(ft.report(), "WithoutAdmin") {
		t.Fatalf("Requests without the admin API: %s", ft.report())
	}
}

// A call that returned is in the journal at once, even one whose
// connection was reset, which the client sees before the stub is done.
func TestRequestsHoldEveryCallThatReturned(t *testing.T) {
	stub := stubtest.New(t)
	stub.Fault(stubtest.Fault{Reset: true})
	c := stub.Client(client.WithoutRetries())
	for i := range 20 {
		if _, err := c.User("alice").Fetch(context.Background(), "general"); err == nil {
			t.Fatal("answered through a reset")
		}
		if got := len(stub.Requests(stubtest.Match{})); got != i+1 {
			t.Fatalf("after %d calls the journal holds %d", i+1, got)
		}
	}
}
