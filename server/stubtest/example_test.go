package stubtest_test

import (
	"context"
	"fmt"
	"log"

	twilio "github.com/twilio/twilio-go"
	twclient "github.com/twilio/twilio-go/client"
	conversations "github.com/twilio/twilio-go/rest/conversations/v1"

	"github.com/twilio-stubs/userconversations/server/stubtest"
)

// Start a stub outside a test (in a TestMain, an Example or a program) and
// talk to it with the project's client; in a test, stubtest.New(t) stops
// it with the test.
func ExampleStart() {
	stub, err := stubtest.Start() // the demo world; stubtest.WithFixtures("my.yaml") for yours
	if err != nil {
		log.Fatal(err)
	}
	defer stub.Close()

	conv, err := stub.Client().User("alice").Fetch(context.Background(), "general")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(*conv.UnreadMessagesCount, "unread in", *conv.UniqueName)
	// Output: 19 unread in general
}

// Twilio's Go library works against the stub unchanged: give it an
// *http.Client that sends https://conversations.twilio.com to the stub.
func ExampleStub_HTTPClient() {
	stub, err := stubtest.Start()
	if err != nil {
		log.Fatal(err)
	}
	defer stub.Close()

	c := &twclient.Client{Credentials: twclient.NewCredentials(stub.AccountSID, stub.AuthToken), HTTPClient: stub.HTTPClient()}
	c.SetAccountSid(stub.AccountSID)
	api := twilio.NewRestClientWithParams(twilio.ClientParams{Client: c}).ConversationsV1

	muted, err := api.UpdateUserConversation("alice", "general", new(conversations.UpdateUserConversationParams).SetNotificationLevel("muted"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(*muted.NotificationLevel)
	// Output: muted
}
