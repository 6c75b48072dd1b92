package stubtest_test

import (
	"context"
	"fmt"
	"log"

	twilio "github.com/twilio/twilio-go"
	twclient "github.com/twilio/twilio-go/client"
	conversations "github.com/twilio/twilio-go/rest/conversations/v1"

	"github.com/twilio-stubs/userconversations/client"
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

// A world written in Go gets the defaults and derived SIDs of a fixture
// file; stubtest.New(t, stubtest.WithWorld(w)) in a test.
func ExampleWithWorld() {
	stub, err := stubtest.Start(stubtest.WithWorld(stubtest.World{
		Users: []string{"alice", "bob"},
		Conversations: []stubtest.Conversation{
			{UniqueName: "general", Messages: 120, Members: []stubtest.Member{{User: "alice", ReadUpTo: new(100)}, {User: "bob", Muted: true}}},
		},
	}))
	if err != nil {
		log.Fatal(err) // a World is checked as a fixture file is, naming the field at fault
	}
	defer stub.Close()

	conv, err := stub.Client().User("bob").Fetch(context.Background(), "general")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(*conv.ConversationSid, conv.NotificationLevel, conv.UnreadMessagesCount == nil)
	// Output: CH970d5177e2ba25086f14af066943b5e2 muted true
}

// Requests returns what the code under test sent, decoded; in a test,
// stub.AssertRequested(t, match) fails it with what was sent instead.
func ExampleStub_Requests() {
	stub, err := stubtest.Start()
	if err != nil {
		log.Fatal(err)
	}
	defer stub.Close()
	alice := stub.Client().User("alice")
	if _, err := alice.Update(context.Background(), "general", client.UpdateParams{LastReadMessageIndex: client.SetReadIndex(119)}); err != nil {
		log.Fatal(err)
	}

	for _, r := range stub.Requests(stubtest.Match{Operation: "UpdateUserConversation", User: "alice"}) {
		fmt.Println(r.Method, r.Conversation(), r.Form, r.Status)
	}
	// Output: POST general map[LastReadMessageIndex:[119]] 200
}

// Fault disturbs the requests it selects: here a 404 of Twilio's code for
// one user's one conversation, whichever name the code uses for them.
func ExampleStub_Fault() {
	stub, err := stubtest.Start()
	if err != nil {
		log.Fatal(err)
	}
	defer stub.Close()
	stub.Fault(stubtest.Fault{User: "alice", Conversation: "general", Status: 404, Code: 20404, Times: 1})

	_, err = stub.Client().User("USaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa").Fetch(context.Background(), "general")
	fmt.Println(client.IsNotFound(err))
	_, err = stub.Client().User("alice").Fetch(context.Background(), "general") // times: 1
	fmt.Println(err)
	// Output:
	// true
	// <nil>
}

// Reset puts the stub back as it started, for a stub shared by several
// tests (one per TestMain, say).
func ExampleStub_Reset() {
	stub, err := stubtest.Start()
	if err != nil {
		log.Fatal(err)
	}
	defer stub.Close()
	alice := stub.Client().User("alice")
	if err := alice.Remove(context.Background(), "general"); err != nil {
		log.Fatal(err)
	}

	stub.Reset() // the world it started with, no faults, an empty journal
	_, err = alice.Fetch(context.Background(), "general")
	fmt.Println(err, len(stub.Requests(stubtest.Match{})))
	// Output: <nil> 1
}
