package client_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/twilio-stubs/userconversations/client"
	"github.com/twilio-stubs/userconversations/server/stubtest"
)

// startStub serves the demo world for an example; against Twilio, leave out
// WithBaseURL and use your own credentials (or client.NewFromEnv).
func startStub() (*stubtest.Stub, *client.Client) {
	stub, err := stubtest.Start()
	if err != nil {
		log.Fatal(err)
	}
	c, err := client.New(stub.AccountSID, stub.AuthToken, client.WithBaseURL(stub.URL))
	if err != nil {
		log.Fatal(err)
	}
	return stub, c
}

// name is a conversation's friendly_name, which may be null.
func name(p *string) string {
	if p == nil {
		return "(unnamed)"
	}
	return *p
}

func unread(n *int) string {
	if n == nil {
		return "no read horizon"
	}
	return fmt.Sprintf("%d unread", *n)
}

// List a user's conversations, fetching pages as the loop needs them.
func ExampleUserConversations_List() {
	stub, c := startStub()
	defer stub.Close()

	ctx := context.Background()
	for conv, err := range c.User("alice").List(ctx, client.ListParams{PageSize: 2, Limit: 3}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s: %s\n", name(conv.FriendlyName), unread(conv.UnreadMessagesCount))
	}
	// Output:
	// General: 19 unread
	// Support ticket #1: 0 unread
	// Support ticket #2: 2 unread
}

// Keep your own cursor: Page returns the token of the next page.
func ExampleUserConversations_Page() {
	stub, c := startStub()
	defer stub.Close()

	ctx := context.Background()
	token, pages, total := "", 0, 0
	for {
		page, next, err := c.User("alice").Page(ctx, client.PageParams{PageSize: 10, PageToken: token})
		if err != nil {
			log.Fatal(err)
		}
		pages++
		total += len(page.Conversations)
		if next == "" {
			break
		}
		token = next
	}
	fmt.Printf("%d conversations in %d pages\n", total, pages)
	// Output: 26 conversations in 3 pages
}

// Mark a conversation read up to a message and mute it.
func ExampleUserConversations_Update() {
	stub, c := startStub()
	defer stub.Close()

	conv, err := c.User("alice").Update(context.Background(), "general", client.UpdateParams{
		NotificationLevel:    client.NotificationLevelMuted,
		LastReadMessageIndex: client.SetReadIndex(110),
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s, read up to %d, %s\n", conv.NotificationLevel, *conv.LastReadMessageIndex, unread(conv.UnreadMessagesCount))
	// Output: muted, read up to 110, 9 unread
}

// Clear the read horizon: the index and the unread count become null.
func ExampleClearReadIndex() {
	stub, c := startStub()
	defer stub.Close()

	conv, err := c.User("alice").Update(context.Background(), "general", client.UpdateParams{
		LastReadMessageIndex: client.ClearReadIndex(),
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(conv.LastReadMessageIndex == nil, unread(conv.UnreadMessagesCount))
	// Output: true no read horizon
}

// Tell "not a participant" apart from other failures.
func ExampleIsNotFound() {
	stub, c := startStub()
	defer stub.Close()

	_, err := c.User("alice").Fetch(context.Background(), "no-such-conversation")
	if client.IsNotFound(err) {
		fmt.Println("alice is not in that conversation")
	}
	var apiErr *client.Error
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.Status, apiErr.Code, apiErr.MoreInfo)
	}
	// Output:
	// alice is not in that conversation
	// 404 20404 https://www.twilio.com/docs/errors/20404
}

// The same calls on a named conversation service.
func ExampleService_User() {
	stub, c := startStub()
	defer stub.Close()

	conv, err := c.Service("IScccccccccccccccccccccccccccccccc").User("alice").Fetch(context.Background(), "team-internal")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(*conv.ChatServiceSid)
	// Output: IScccccccccccccccccccccccccccccccc
}
