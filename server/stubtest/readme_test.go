package stubtest_test

import (
	"context"
	"net/url"
	"testing"

	"github.com/twilio-stubs/userconversations/client"
	"github.com/twilio-stubs/userconversations/server/stubtest"
)

// markAllRead is someone's own code under test: it marks every
// conversation of user read.
func markAllRead(ctx context.Context, c *client.Client, user string) error {
	in := inbox{twilio: c}
	unread, err := in.Unread(ctx, user)
	for conversation := range unread {
		if err == nil {
			err = in.MarkRead(ctx, user, conversation)
		}
	}
	return err
}

// The README's test: the shortest complete test of one's own code.
//
// docs:begin readme
func TestMarkAllRead(t *testing.T) {
	stub := stubtest.New(t, stubtest.WithWorld(stubtest.World{
		Users:         []string{"alice"},
		Conversations: []stubtest.Conversation{{UniqueName: "general", Messages: 120, Members: []stubtest.Member{{User: "alice", ReadUpTo: new(100)}}}},
	}))
	stub.Fault(stubtest.Fault{Operation: "ListUserConversation", Status: 429, Times: 1}) // Twilio is busy once

	if err := markAllRead(t.Context(), stub.Client(), "alice"); err != nil { // the code under test
		t.Fatal(err)
	}
	stub.AssertRequested(t, stubtest.Match{Operation: "UpdateUserConversation", User: "alice", Conversation: "general",
		Form: url.Values{"LastReadMessageIndex": {"119"}}})
}

// docs:end readme
