package interop_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/twilio-stubs/userconversations/client"
	admingen "github.com/twilio-stubs/userconversations/gen/admin"
	"github.com/twilio-stubs/userconversations/server/internal/testkit"
	"github.com/twilio-stubs/userconversations/server/stubtest"
)

// A 429 from a fault makes the project's own client wait for Retry-After
// and try again, until the fault is spent and the fetch succeeds.
func TestClientRetriesAFaulted429(t *testing.T) {
	stub := stubtest.New(t, stubtest.WithStoreWorld(interopWorld()), stubtest.WithAdminToken("interop-admin"))
	admin := stub.Admin()
	fault, err := admin.PutFaultWithResponse(t.Context(), admingen.FaultRule{
		Operation: new("FetchUserConversation"),
		Error:     &admingen.FaultError{Status: 429, RetryAfter: new(0)},
		Times:     new(2),
	})
	if err != nil || fault.JSON201 == nil {
		t.Fatalf("put fault: %v %d %s", err, fault.StatusCode(), fault.Body)
	}

	c, err := client.New(stub.AccountSID, stub.AuthToken,
		client.WithBaseURL(stub.URL),
		client.WithRetryPolicy(client.RetryPolicy{MaxAttempts: 3, BaseDelay: 10 * time.Millisecond}))
	if err != nil {
		t.Fatal(err)
	}
	conv, err := c.User("alice").Fetch(t.Context(), "support")
	if err != nil {
		t.Fatalf("fetch through two 429s: %v", err)
	}
	if conv.ConversationSid == nil || *conv.ConversationSid != testkit.SID("CH", 3) {
		t.Fatalf("fetched %v", conv.ConversationSid)
	}

	journal, err := admin.ListRequestsWithResponse(t.Context(), nil)
	if err != nil || journal.JSON200 == nil {
		t.Fatal(err)
	}
	var statuses []int
	for _, r := range journal.JSON200.Requests {
		statuses = append(statuses, r.Status)
		if (r.Status == http.StatusTooManyRequests) != (r.Fault != nil && *r.Fault == fault.JSON201.Id) {
			t.Errorf("entry %d: status %d fault %v", r.Seq, r.Status, r.Fault)
		}
	}
	if len(statuses) != 3 || statuses[0] != 429 || statuses[1] != 429 || statuses[2] != 200 {
		t.Fatalf("statuses %v, want 429 429 200", statuses)
	}

	// Without retries the 429 comes back as the client's error.
	if _, err := admin.PutFaultWithResponse(t.Context(), admingen.FaultRule{
		Error: &admingen.FaultError{Status: 429, RetryAfter: new(0)}, Times: new(1),
	}); err != nil {
		t.Fatal(err)
	}
	once, err := client.New(stub.AccountSID, stub.AuthToken, client.WithBaseURL(stub.URL), client.WithoutRetries())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := once.User("alice").Fetch(t.Context(), "support"); client.StatusCode(err) != http.StatusTooManyRequests {
		t.Fatalf("without retries: %v, want the 429", err)
	}
}
