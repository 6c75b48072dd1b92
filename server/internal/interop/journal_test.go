package interop_test

import (
	"slices"
	"testing"

	conversations "github.com/twilio/twilio-go/rest/conversations/v1"

	admingen "github.com/twilio-stubs/userconversations/gen/admin"
	"github.com/twilio-stubs/userconversations/server/internal/testkit"
	"github.com/twilio-stubs/userconversations/server/stubtest"
)

// The journal shows what twilio-go sent: a test asserts "the app marked
// CH…05 read up to index 42" with the admin client, no mock library.
func TestJournalRecordsWhatTwilioGoSent(t *testing.T) {
	stub := stubtest.New(t, stubtest.WithStoreWorld(interopWorld()), stubtest.WithAdminToken("interop-admin"))
	rest, _ := newTwilioGo(t, stub)
	conversation := testkit.SID("CH", 5)

	// What the application under test would do.
	params := new(conversations.UpdateUserConversationParams).SetLastReadMessageIndex(42)
	if _, err := rest.ConversationsV1.UpdateUserConversation("alice", conversation, params); err != nil {
		t.Fatal(err)
	}

	// What the test then checks.
	resp, err := stub.Admin().ListRequestsWithResponse(t.Context(), &admingen.ListRequestsParams{
		Account:   &stub.AccountSID,
		Method:    new("POST"),
		Path:      new("/v1/Users/alice/Conversations/" + conversation),
		Operation: new("UpdateUserConversation"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if resp.JSON200 == nil {
		t.Fatalf("journal: %d %s", resp.StatusCode(), resp.Body)
	}
	requests := resp.JSON200.Requests
	if len(requests) != 1 {
		t.Fatalf("%d matching requests, want 1: %s", len(requests), resp.Body)
	}
	sent := requests[0]
	if sent.Status != 200 || *sent.Account != accountSID || sent.Fault != nil {
		t.Fatalf("recorded %s", resp.Body)
	}
	if got := sent.Form["LastReadMessageIndex"]; !slices.Equal(got, []string{"42"}) {
		t.Fatalf("LastReadMessageIndex %q, want [42]", got)
	}
	// twilio-go sends only the fields that were set.
	if len(sent.Form) != 1 {
		t.Fatalf("form fields %v, want LastReadMessageIndex only", sent.Form)
	}
}
