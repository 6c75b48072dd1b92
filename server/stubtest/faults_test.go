package stubtest_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/twilio-stubs/userconversations/client"
	"github.com/twilio-stubs/userconversations/server/stubtest"
)

// A 429 or 503 from stubtest carries Retry-After: 0, so a client that
// honours it retries at once; other statuses carry none unless asked.
func TestFaultRetryAfterDefaultsToZero(t *testing.T) {
	tests := []struct {
		fault      stubtest.Fault
		retryAfter string
	}{
		{stubtest.Fault{Status: 429}, "0"},
		{stubtest.Fault{Status: 503}, "0"},
		{stubtest.Fault{Status: 500}, ""},
		{stubtest.Fault{Status: 429, RetryAfter: 2 * time.Second}, "2"},
		{stubtest.Fault{Status: 500, RetryAfter: time.Second}, "1"},
	}
	for _, tt := range tests {
		stub := stubtest.New(t)
		stub.Fault(tt.fault)
		req, _ := http.NewRequest(http.MethodGet, stub.URL+"/v1/Users/alice/Conversations/general", nil)
		req.SetBasicAuth(stub.AccountSID, stub.AuthToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := resp.Header.Get("Retry-After"); resp.StatusCode != tt.fault.Status || got != tt.retryAfter {
			t.Errorf("%+v: %d, Retry-After %q, want %q", tt.fault, resp.StatusCode, got, tt.retryAfter)
		}
	}
}

// The project's client rides out one 429: two requests, the second
// answered.
func TestFaultOnceIsRetried(t *testing.T) {
	stub := stubtest.New(t)
	id := stub.Fault(stubtest.Fault{Operation: "FetchUserConversation", Status: 429, Times: 1})
	if _, err := stub.Client().User("alice").Fetch(context.Background(), "general"); err != nil {
		t.Fatal(err)
	}
	got := stub.Requests(stubtest.Match{})
	if len(got) != 2 || got[0].Status != 429 || got[0].Fault != id || got[1].Status != 200 {
		t.Fatalf("requests: %v", got)
	}
}

// Each kind of fault, as the client sees it.
func TestFaultKinds(t *testing.T) {
	tests := []struct {
		name  string
		fault stubtest.Fault
		check func(error) bool
	}{
		{"a 404 of a chosen code", stubtest.Fault{Status: 404, Code: 20404, Message: "gone"}, func(err error) bool {
			var e *client.Error
			return errors.As(err, &e) && e.Status == 404 && e.Code == 20404 && e.Message == "gone"
		}},
		{"a malformed body", stubtest.Fault{Body: stubtest.Malformed}, func(err error) bool {
			return err != nil && strings.Contains(err.Error(), "unexpected end of JSON")
		}},
		{"a truncated body", stubtest.Fault{Body: stubtest.Truncated}, func(err error) bool {
			return err != nil && strings.Contains(err.Error(), "unexpected EOF")
		}},
		{"a reset", stubtest.Fault{Reset: true}, func(err error) bool { return errors.Is(err, syscall.ECONNRESET) }},
		{"a drop", stubtest.Fault{Drop: true}, func(err error) bool { return err != nil && strings.Contains(err.Error(), "EOF") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stub := stubtest.New(t)
			tt.fault.Operation = "FetchUserConversation"
			stub.Fault(tt.fault)
			_, err := stub.Client(client.WithoutRetries()).User("alice").Fetch(context.Background(), "general")
			if !tt.check(err) {
				t.Fatalf("error: %v", err)
			}
			// The list is not the fetch's operation: it is answered.
			for _, err := range stub.Client(client.WithoutRetries()).User("alice").List(context.Background(), client.ListParams{Limit: 1}) {
				if err != nil {
					t.Fatalf("list: %v", err)
				}
			}
		})
	}
}

// Fault aims at a user and a conversation, whatever name the code uses.
func TestFaultTargetsUserAndConversation(t *testing.T) {
	stub := stubtest.New(t)
	stub.Fault(stubtest.Fault{User: "alice", Conversation: generalSID, Status: 503})
	c := stub.Client(client.WithoutRetries())
	ctx := context.Background()
	if _, err := c.User(aliceSID).Fetch(ctx, "general"); client.StatusCode(err) != 503 {
		t.Fatalf("alice's general: %v", err)
	}
	if _, err := c.User("bob").Fetch(ctx, "general"); err != nil {
		t.Fatalf("bob's general: %v", err)
	}
	if _, err := c.User("alice").Fetch(ctx, "random"); err != nil {
		t.Fatalf("alice's random: %v", err)
	}
}

// A fault the stub refuses fails the test with the stub's reason.
func TestFaultRefused(t *testing.T) {
	ft := &fakeT{TB: t}
	stub := stubtest.New(ft)
	ft.run(func() { stub.Fault(stubtest.Fault{Operation: "FetchConversation", Drop: true}) })
	if want := `stubtest: adding a fault: 400 20001 Invalid operation: "FetchConversation" is not an operation`; !ft.fatally || !strings.Contains(ft.report(), want) {
		t.Fatalf("failure: %s\nwant it to say %s", ft.report(), want)
	}
}

func TestReset(t *testing.T) {
	stub := stubtest.New(t)
	c := stub.Client(client.WithoutRetries())
	ctx := context.Background()
	if err := c.User("alice").Remove(ctx, "general"); err != nil {
		t.Fatal(err)
	}
	stub.Fault(stubtest.Fault{Operation: "ListUserConversation", Status: 500})

	stub.Reset()
	if got := stub.Requests(stubtest.Match{}); len(got) != 0 {
		t.Fatalf("the journal after Reset: %v", got)
	}
	if _, err := c.User("alice").Fetch(ctx, "general"); err != nil {
		t.Fatalf("the world after Reset: %v", err)
	}
	for _, err := range c.User("alice").List(ctx, client.ListParams{Limit: 1}) {
		if err != nil {
			t.Fatalf("a fault outlived Reset: %v", err)
		}
	}
}
