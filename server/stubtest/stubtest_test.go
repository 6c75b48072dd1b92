package stubtest_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/twilio-stubs/userconversations/client"
	"github.com/twilio-stubs/userconversations/server/fixtures"
	"github.com/twilio-stubs/userconversations/server/stubtest"
)

func TestHTTPClientSendsTwilioURLsToTheStub(t *testing.T) {
	stub := stubtest.New(t)
	req, _ := http.NewRequest(http.MethodGet, "https://conversations.twilio.com/v1/Users/alice/Conversations/general", nil)
	req.SetBasicAuth(stub.AccountSID, stub.AuthToken)
	resp, err := stub.HTTPClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		URL string `json:"url"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d, decode %v", resp.StatusCode, err)
	}
	if stub.AccountSID != fixtures.DemoAccountSID {
		t.Fatalf("default world is not the demo world: account %s", stub.AccountSID)
	}
}

// Parallel tests each get their own state.
func TestStubsAreIsolated(t *testing.T) {
	removed := stubtest.New(t)
	kept := stubtest.New(t)
	ctx := context.Background()
	if err := removed.Client().User("alice").Remove(ctx, "general"); err != nil {
		t.Fatal(err)
	}
	if _, err := removed.Client().User("alice").Fetch(ctx, "general"); !client.IsNotFound(err) {
		t.Fatalf("after remove: %v", err)
	}
	if _, err := kept.Client().User("alice").Fetch(ctx, "general"); err != nil {
		t.Fatalf("another stub lost the conversation: %v", err)
	}
}

func TestStartAndClose(t *testing.T) {
	stub, err := stubtest.Start()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := stub.Client().User("alice").Fetch(context.Background(), "general"); err != nil {
		t.Fatal(err)
	}
	stub.Close()
	if _, err := stub.Client(client.WithoutRetries()).User("alice").Fetch(context.Background(), "general"); err == nil {
		t.Fatal("a closed stub still answers")
	}
}

func TestBadFixturesFailStart(t *testing.T) {
	if _, err := stubtest.Start(stubtest.WithFixtures("testdata/does-not-exist.yaml")); err == nil {
		t.Fatal("Start with a missing fixtures file succeeded")
	}
}
