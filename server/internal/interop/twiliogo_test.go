package interop_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	twilio "github.com/twilio/twilio-go"
	twclient "github.com/twilio/twilio-go/client"
	conversations "github.com/twilio/twilio-go/rest/conversations/v1"

	"github.com/twilio-stubs/userconversations/server/internal/testkit"
	"github.com/twilio-stubs/userconversations/server/stubtest"
)

// countingTransport counts the requests that reach the stub.
type countingTransport struct {
	base     http.RoundTripper
	requests atomic.Int64
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.requests.Add(1)
	return c.base.RoundTrip(r)
}

// newTwilioGo points twilio-go at the stub the documented way: its
// *client.Client with an http.Client that rewrites Twilio's host.
func newTwilioGo(t *testing.T, stub *stubtest.Stub) (*twilio.RestClient, *countingTransport) {
	t.Helper()
	httpClient := stub.HTTPClient()
	counter := &countingTransport{base: httpClient.Transport}
	httpClient.Transport = counter
	c := &twclient.Client{Credentials: twclient.NewCredentials(stub.AccountSID, stub.AuthToken), HTTPClient: httpClient}
	c.SetAccountSid(stub.AccountSID)
	return twilio.NewRestClientWithParams(twilio.ClientParams{Client: c}), counter
}

func conversationSIDs(items []conversations.ConversationsV1UserConversation) []string {
	var sids []string
	for _, item := range items {
		sids = append(sids, *item.ConversationSid)
	}
	return sids
}

func TestTwilioGoLibrary(t *testing.T) {
	for _, target := range interopTargets {
		t.Run(target.name, func(t *testing.T) { twilioGoScenario(t, target.start(t)) })
	}
}

func twilioGoScenario(t *testing.T, stub *stubtest.Stub) {
	rest, counter := newTwilioGo(t, stub)
	api := rest.ConversationsV1
	all := []string{testkit.SID("CH", 1), testkit.SID("CH", 2), testkit.SID("CH", 3), testkit.SID("CH", 4), testkit.SID("CH", 5)}

	t.Run("list follows next_page_url", func(t *testing.T) {
		before := counter.requests.Load()
		items, err := api.ListUserConversation("alice", new(conversations.ListUserConversationParams).SetPageSize(2))
		if err != nil {
			t.Fatal(err)
		}
		if got := conversationSIDs(items); !slices.Equal(got, all) {
			t.Fatalf("listed %v, want %v", got, all)
		}
		if n := counter.requests.Load() - before; n != 3 {
			t.Fatalf("%d requests for 5 items in pages of 2, want 3", n)
		}
	})

	t.Run("list stops at Limit", func(t *testing.T) {
		before := counter.requests.Load()
		items, err := api.ListUserConversation(aliceSID, new(conversations.ListUserConversationParams).SetPageSize(2).SetLimit(3))
		if err != nil {
			t.Fatal(err)
		}
		if got := conversationSIDs(items); !slices.Equal(got, all[:3]) {
			t.Fatalf("listed %v, want %v", got, all[:3])
		}
		if n := counter.requests.Load() - before; n != 2 {
			t.Fatalf("%d requests for a limit of 3 in pages of 2, want 2", n)
		}
	})

	t.Run("fetch by SID and by identity and unique_name", func(t *testing.T) {
		bySID, err := api.FetchUserConversation(aliceSID, testkit.SID("CH", 3))
		if err != nil {
			t.Fatal(err)
		}
		byName, err := api.FetchUserConversation("alice", "support")
		if err != nil {
			t.Fatal(err)
		}
		if *bySID.ConversationSid != *byName.ConversationSid || *bySID.ParticipantSid != testkit.SID("MB", 3) {
			t.Fatalf("by SID %s, by name %s", *bySID.ConversationSid, *byName.ConversationSid)
		}
		if want := time.Date(2024, 1, 1, 0, 3, 0, 0, time.UTC); !bySID.DateCreated.Equal(want) {
			t.Fatalf("date_created %s, want %s", bySID.DateCreated, want)
		}
	})

	t.Run("update timestamp, index and level", func(t *testing.T) {
		readAt := time.Date(2024, 5, 6, 7, 8, 9, 0, time.FixedZone("", 2*60*60))
		params := new(conversations.UpdateUserConversationParams).
			SetLastReadTimestamp(readAt).SetLastReadMessageIndex(4).SetNotificationLevel("muted")
		updated, err := api.UpdateUserConversation("alice", "support", params)
		if err != nil {
			t.Fatal(err)
		}
		if *updated.LastReadMessageIndex != 4 || *updated.UnreadMessagesCount != 30-1-4 || *updated.NotificationLevel != "muted" {
			t.Fatalf("update answered index %d unread %d level %s", *updated.LastReadMessageIndex, *updated.UnreadMessagesCount, *updated.NotificationLevel)
		}
		fetched, err := api.FetchUserConversation("alice", "support")
		if err != nil {
			t.Fatal(err)
		}
		if *fetched.LastReadMessageIndex != 4 || *fetched.NotificationLevel != "muted" {
			t.Fatal("the next fetch does not show the update")
		}
	})

	t.Run("clear the index", func(t *testing.T) {
		// twilio-go's typed parameter is an *int and cannot say "empty";
		// its request handler sends the form Twilio documents.
		resp, err := rest.RequestHandler.Post(stub.URL+"/v1/Users/alice/Conversations/support",
			url.Values{"LastReadMessageIndex": {""}}, map[string]interface{}{"Content-Type": "application/x-www-form-urlencoded"}, "")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var cleared conversations.ConversationsV1UserConversation
		if err := json.NewDecoder(resp.Body).Decode(&cleared); err != nil {
			t.Fatal(err)
		}
		if cleared.LastReadMessageIndex != nil || cleared.UnreadMessagesCount != nil {
			t.Fatalf("after clearing: index %v unread %v", cleared.LastReadMessageIndex, cleared.UnreadMessagesCount)
		}
	})

	t.Run("the answers carry Twilio-Request-Id", func(t *testing.T) {
		// twilio-go's typed calls return no headers; its request handler,
		// which they go through, returns the whole response.
		var ids []string
		for range 2 {
			resp, err := rest.RequestHandler.Get(stub.URL+"/v1/Users/alice/Conversations/support", url.Values{}, map[string]interface{}{}, "")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			ids = append(ids, resp.Header.Get("Twilio-Request-Id"))
		}
		requestID := regexp.MustCompile(`^RQ[0-9a-f]{32}$`)
		if !requestID.MatchString(ids[0]) || !requestID.MatchString(ids[1]) || ids[0] == ids[1] {
			t.Fatalf("Twilio-Request-Id %q, then %q", ids[0], ids[1])
		}
	})

	t.Run("delete, then 404 as TwilioRestError", func(t *testing.T) {
		if err := api.DeleteUserConversation("alice", testkit.SID("CH", 2)); err != nil {
			t.Fatal(err)
		}
		_, err := api.FetchUserConversation("alice", testkit.SID("CH", 2))
		var restErr *twclient.TwilioRestError
		if !errors.As(err, &restErr) {
			t.Fatalf("fetch after delete: %v (%T), want *client.TwilioRestError", err, err)
		}
		if restErr.Code != 20404 || restErr.Status != 404 || restErr.MoreInfo != "https://www.twilio.com/docs/errors/20404" {
			t.Fatalf("error %+v", restErr)
		}
		items, err := api.ListUserConversation("alice", nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(items) != 4 {
			t.Fatalf("%d conversations after removing one of 5", len(items))
		}
	})
}
