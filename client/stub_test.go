package client_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twilio-stubs/userconversations/client"
	"github.com/twilio-stubs/userconversations/server/store"
	"github.com/twilio-stubs/userconversations/server/stubtest"
)

// These tests run the client against the real stub, in-process.

func stubSID(prefix string, n int) string { return fmt.Sprintf("%s%032x", prefix, n) }

// bigWorld: one account, one service, the user "many" in n conversations
// created a second apart, with 10 messages each.
func bigWorld(n int) store.World {
	created := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	svc := store.Service{SID: stubSID("IS", 1), Users: []store.User{{SID: stubSID("US", 1), Identity: "many"}}}
	for i := range n {
		at := created.Add(time.Duration(i) * time.Second)
		svc.Conversations = append(svc.Conversations, store.Conversation{
			SID: stubSID("CH", i+1), State: store.StateActive, Attributes: "{}",
			DateCreated: at, DateUpdated: at, MessageCount: 10,
			Participants: []store.Participant{{
				SID: stubSID("MB", i+1), UserSID: stubSID("US", 1),
				NotificationLevel: store.NotificationLevelDefault, DateUpdated: at,
			}},
		})
	}
	return store.World{Accounts: []store.Account{{SID: stubSID("AC", 1), AuthToken: "token123", Services: []store.Service{svc}}}}
}

// counter counts the requests a client sends.
type counter struct {
	base http.RoundTripper
	n    atomic.Int64
}

func (c *counter) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.base.RoundTrip(r)
}

func clientFor(t *testing.T, stub *stubtest.Stub) (*client.Client, *counter) {
	t.Helper()
	requests := &counter{base: http.DefaultTransport}
	c, err := client.New(stub.AccountSID, stub.AuthToken,
		client.WithBaseURL(stub.URL), client.WithHTTPClient(&http.Client{Transport: requests}))
	if err != nil {
		t.Fatal(err)
	}
	return c, requests
}

func TestListAgainstStubYieldsEachOnceInOrder(t *testing.T) {
	const n = 2500
	stub := stubtest.New(t, stubtest.WithStoreWorld(bigWorld(n)))
	c, requests := clientFor(t, stub)
	for _, tt := range []struct{ pageSize, wantRequests int }{{1000, 3}, {50, 50}} {
		t.Run(fmt.Sprintf("PageSize %d", tt.pageSize), func(t *testing.T) {
			before := requests.n.Load()
			var got []string
			for conv, err := range c.User("many").List(context.Background(), client.ListParams{PageSize: tt.pageSize}) {
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, *conv.ConversationSid)
			}
			if len(got) != n {
				t.Fatalf("listed %d, want %d", len(got), n)
			}
			for i, sid := range got {
				if sid != stubSID("CH", i+1) {
					t.Fatalf("item %d is %s, want %s (each once, in order)", i, sid, stubSID("CH", i+1))
				}
			}
			if sent := requests.n.Load() - before; sent != int64(tt.wantRequests) {
				t.Fatalf("%d requests, want %d", sent, tt.wantRequests)
			}
		})
	}
}

func TestListLimitStopsEarly(t *testing.T) {
	stub := stubtest.New(t, stubtest.WithStoreWorld(bigWorld(300)))
	c, requests := clientFor(t, stub)
	tests := []struct{ pageSize, limit, wantRequests int }{
		{50, 100, 2},  // exactly two pages: the third is never asked for
		{50, 120, 3},  // the third page is needed for 20 more
		{0, 7, 1},     // the page size drops to the limit
		{1000, 10, 1}, // likewise
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("PageSize %d Limit %d", tt.pageSize, tt.limit), func(t *testing.T) {
			before := requests.n.Load()
			got := 0
			for _, err := range c.User("many").List(context.Background(), client.ListParams{PageSize: tt.pageSize, Limit: tt.limit}) {
				if err != nil {
					t.Fatal(err)
				}
				got++
			}
			if got != tt.limit {
				t.Fatalf("yielded %d, want %d", got, tt.limit)
			}
			if sent := requests.n.Load() - before; sent != int64(tt.wantRequests) {
				t.Fatalf("%d requests, want %d", sent, tt.wantRequests)
			}
		})
	}
}

func TestPageTokenCursorAgainstStub(t *testing.T) {
	stub := stubtest.New(t, stubtest.WithStoreWorld(bigWorld(25)))
	c, _ := clientFor(t, stub)
	var got []string
	token := ""
	for range 10 {
		page, next, err := c.User("many").Page(context.Background(), client.PageParams{PageSize: 10, PageToken: token})
		if err != nil {
			t.Fatal(err)
		}
		for _, conv := range page.Conversations {
			got = append(got, *conv.ConversationSid)
		}
		if next == "" {
			break
		}
		token = next
	}
	if len(got) != 25 || got[24] != stubSID("CH", 25) {
		t.Fatalf("cursor loop read %d conversations", len(got))
	}
}

func TestUpdateShapesRoundTrip(t *testing.T) {
	stub := stubtest.New(t, stubtest.WithStoreWorld(bigWorld(1)))
	c, _ := clientFor(t, stub)
	conv := stubSID("CH", 1)
	readAt := time.Date(2024, 5, 6, 7, 8, 9, 0, time.FixedZone("", 2*60*60))
	tests := []struct {
		name      string
		params    client.UpdateParams
		wantIndex *int
		wantLevel client.NotificationLevel
	}{
		{"set index", client.UpdateParams{LastReadMessageIndex: client.SetReadIndex(3)}, new(3), client.NotificationLevelDefault},
		{"mute only: index kept", client.UpdateParams{NotificationLevel: client.NotificationLevelMuted}, new(3), client.NotificationLevelMuted},
		{"timestamp only: index kept", client.UpdateParams{LastReadTimestamp: readAt}, new(3), client.NotificationLevelMuted},
		{"index zero", client.UpdateParams{LastReadMessageIndex: client.SetReadIndex(0)}, new(0), client.NotificationLevelMuted},
		{"clear index", client.UpdateParams{LastReadMessageIndex: client.ClearReadIndex()}, nil, client.NotificationLevelMuted},
		{"all three", client.UpdateParams{
			NotificationLevel: client.NotificationLevelDefault, LastReadTimestamp: readAt, LastReadMessageIndex: client.SetReadIndex(9),
		}, new(9), client.NotificationLevelDefault},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			updated, err := c.User("many").Update(context.Background(), conv, tt.params)
			if err != nil {
				t.Fatal(err)
			}
			fetched, err := c.User("many").Fetch(context.Background(), conv)
			if err != nil {
				t.Fatal(err)
			}
			for from, uc := range map[string]*client.UserConversation{"update": updated, "fetch": fetched} {
				if !equalPtr(uc.LastReadMessageIndex, tt.wantIndex) || uc.NotificationLevel != tt.wantLevel {
					t.Fatalf("%s: index %v level %s, want %v %s", from, show(uc.LastReadMessageIndex), uc.NotificationLevel, show(tt.wantIndex), tt.wantLevel)
				}
				if tt.wantIndex != nil && *uc.UnreadMessagesCount != 10-1-*tt.wantIndex {
					t.Fatalf("%s: unread %d", from, *uc.UnreadMessagesCount)
				}
			}
		})
	}
	world, err := stub.Store.Snapshot(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got := world.Accounts[0].Services[0].Conversations[0].Participants[0].LastReadTimestamp; got == nil || !got.Equal(readAt) {
		t.Fatalf("stored read timestamp %v, want %s", got, readAt)
	}
}

func TestErrorsFromStub(t *testing.T) {
	stub := stubtest.New(t, stubtest.WithStoreWorld(bigWorld(1)))
	c, _ := clientFor(t, stub)
	wrong, err := client.New(stub.AccountSID, "wrongtoken", client.WithBaseURL(stub.URL), client.WithoutRetries())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	tests := []struct {
		name         string
		call         func() error
		status, code int
		is           func(error) bool
	}{
		{"not a participant", func() error { _, err := c.User("many").Fetch(ctx, "nowhere"); return err }, 404, 20404, client.IsNotFound},
		{"unknown user", func() error { return c.User("nobody").Remove(ctx, stubSID("CH", 1)) }, 404, 20404, client.IsNotFound},
		{"wrong token", func() error { _, err := wrong.User("many").Fetch(ctx, stubSID("CH", 1)); return err }, 401, 20003, client.IsUnauthorized},
		{"forged page token", func() error {
			_, _, err := c.User("many").Page(ctx, client.PageParams{PageToken: "PTforged"})
			return err
		}, 400, 20001, func(err error) bool { return client.StatusCode(err) == 400 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			var apiErr *client.Error
			if !errors.As(err, &apiErr) {
				t.Fatalf("error %v (%T), want *client.Error", err, err)
			}
			if apiErr.Status != tt.status || apiErr.Code != tt.code || apiErr.MoreInfo == "" || !tt.is(err) {
				t.Fatalf("error %+v, want status %d code %d", apiErr, tt.status, tt.code)
			}
		})
	}
}

func equalPtr(a, b *int) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

func show(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}
