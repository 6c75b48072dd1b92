package stubtest_test

import (
	"context"
	"fmt"
	"log"
	"net/url"

	"github.com/twilio-stubs/userconversations/client"
	"github.com/twilio-stubs/userconversations/server/stubtest"
)

// inbox is the code under test in Example_inbox: someone's service that
// shows a user's unread conversations and marks one read.
type inbox struct{ twilio *client.Client }

// Unread returns how many messages the user has not read, by conversation.
func (in inbox) Unread(ctx context.Context, user string) (map[string]int, error) {
	unread := map[string]int{}
	for conv, err := range in.twilio.User(user).List(ctx, client.ListParams{}) {
		if err != nil {
			return nil, err
		}
		if n := conv.UnreadMessagesCount; n != nil && *n > 0 {
			unread[*conv.UniqueName] = *n
		}
	}
	return unread, nil
}

// MarkRead moves the user's read horizon to the conversation's last
// message. A conversation the user has left has nothing to mark.
func (in inbox) MarkRead(ctx context.Context, user, conversation string) error {
	conv, err := in.twilio.User(user).Fetch(ctx, conversation)
	if client.IsNotFound(err) {
		return nil
	}
	if err != nil || conv.UnreadMessagesCount == nil {
		return err
	}
	last := *conv.LastReadMessageIndex + *conv.UnreadMessagesCount
	_, err = in.twilio.User(user).Update(ctx, conversation, client.UpdateParams{LastReadMessageIndex: client.SetReadIndex(last)})
	return err
}

// A test of someone's own code, the inbox above: a world of two users,
// what the inbox sent, a 429 and a 404.
func Example_inbox() {
	stub, err := stubtest.Start(stubtest.WithWorld(stubtest.World{
		Users: []string{"alice", "bob"},
		Conversations: []stubtest.Conversation{
			{UniqueName: "general", Messages: 120, Members: []stubtest.Member{{User: "alice", ReadUpTo: new(100)}, {User: "bob"}}},
			{UniqueName: "random", Messages: 5, Members: []stubtest.Member{{User: "alice", ReadUpTo: new(4)}}},
		},
	}))
	if err != nil {
		log.Fatal(err)
	}
	defer stub.Close() // in a test: stub := stubtest.New(t, ...)
	in, ctx := inbox{twilio: stub.Client()}, context.Background()

	// One 429: the client retries at once (stubtest's Retry-After is 0).
	stub.Fault(stubtest.Fault{Operation: "ListUserConversation", Status: 429, Times: 1})
	fmt.Println(in.Unread(ctx, "alice"))

	if err := in.MarkRead(ctx, "alice", "general"); err != nil {
		log.Fatal(err)
	}
	marked := stub.Requests(stubtest.Match{Operation: "UpdateUserConversation", User: "alice", Form: url.Values{"LastReadMessageIndex": {"119"}}})
	fmt.Println(len(marked), "update of", marked[0].Conversation())

	// alice left random meanwhile: a 404, which the inbox takes in its stride.
	stub.Fault(stubtest.Fault{Operation: "FetchUserConversation", Conversation: "random", Status: 404, Code: 20404})
	fmt.Println(in.MarkRead(ctx, "alice", "random"))
	// Output:
	// map[general:19] <nil>
	// 1 update of general
	// <nil>
}
