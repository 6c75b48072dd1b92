package stubtest_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	fixturesgen "github.com/twilio-stubs/userconversations/gen/fixtures"
	"github.com/twilio-stubs/userconversations/server/fixtures"
	"github.com/twilio-stubs/userconversations/server/stubtest"
)

// A World gets exactly what the same world gets from a fixture file:
// defaults, derived SIDs, dates.
func TestWorldIsAFixtureFileWrittenInGo(t *testing.T) {
	built, err := stubtest.World{
		Users: []string{"alice", "bob"},
		Conversations: []stubtest.Conversation{
			{UniqueName: "general", FriendlyName: "General", Messages: 120, Members: []stubtest.Member{{User: "alice", ReadUpTo: new(100)}, {User: "bob", Muted: true}}},
			{Messages: 3, State: "closed", Attributes: `{"topic":"x"}`, Members: []stubtest.Member{{User: "bob"}}},
		},
	}.Build()
	if err != nil {
		t.Fatal(err)
	}
	fromFile, err := fixtures.Parse([]byte(`
accounts:
  - sid: ` + stubtest.DefaultAccountSID + `
    auth_token: ` + stubtest.DefaultAuthToken + `
    services:
      - users: [{identity: alice}, {identity: bob}]
        conversations:
          - unique_name: general
            friendly_name: General
            message_count: 120
            participants:
              - {user: alice, last_read_message_index: 100}
              - {user: bob, notification_level: muted}
          - message_count: 3
            state: closed
            attributes: '{"topic":"x"}'
            participants: [{user: bob}]
`))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(built, fromFile) {
		t.Fatalf("built from Go:\n%+v\nfrom the file:\n%+v", built, fromFile)
	}
}

// A World is checked as a file is, and the error names the field.
func TestWorldErrorsNameTheField(t *testing.T) {
	tests := []struct {
		name  string
		world stubtest.World
		field string
	}{
		{"unknown member", stubtest.World{Users: []string{"alice"}, Conversations: []stubtest.Conversation{{Members: []stubtest.Member{{User: "carol"}}}}},
			"accounts[0].services[0].conversations[0].participants[0].user"},
		{"bad account SID", stubtest.World{AccountSID: "AC123"}, "accounts[0].sid"},
		{"duplicate user", stubtest.World{Users: []string{"alice", "alice"}}, "accounts[0].services[0].users[1]"},
		{"unknown state", stubtest.World{Conversations: []stubtest.Conversation{{State: "open"}}}, "accounts[0].services[0].conversations[0].state"},
		{"negative read index", stubtest.World{Users: []string{"a"}, Conversations: []stubtest.Conversation{{Messages: 2, Members: []stubtest.Member{{User: "a", ReadUpTo: new(-1)}}}}},
			"accounts[0].services[0].conversations[0].participants[0].last_read_message_index"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := stubtest.Start(stubtest.WithWorld(tt.world))
			var fieldErr *fixtures.FieldError
			if !errors.As(err, &fieldErr) || !strings.Contains(err.Error(), tt.field) {
				t.Fatalf("error %v, want one naming %s", err, tt.field)
			}
		})
	}
}

func TestWithWorldSeedsTheStub(t *testing.T) {
	stub := stubtest.New(t, stubtest.WithWorld(stubtest.World{
		AccountSID: "AC0123456789abcdef0123456789abcdef", AuthToken: "mine",
		Users:         []string{"alice"},
		Conversations: []stubtest.Conversation{{UniqueName: "general", Messages: 120, Members: []stubtest.Member{{User: "alice", ReadUpTo: new(100)}}}},
	}))
	if stub.AccountSID != "AC0123456789abcdef0123456789abcdef" || stub.AuthToken != "mine" {
		t.Fatalf("credentials %s %s", stub.AccountSID, stub.AuthToken)
	}
	conv, err := stub.Client().User("alice").Fetch(context.Background(), "general")
	if err != nil {
		t.Fatal(err)
	}
	if *conv.UnreadMessagesCount != 19 || !strings.HasPrefix(*conv.ConversationSid, "CH") {
		t.Fatalf("general: %d unread, SID %s", *conv.UnreadMessagesCount, *conv.ConversationSid)
	}
}

// A whole fixture document: two accounts, each seeing its own.
func TestWithFixtureDocument(t *testing.T) {
	account := func(sid, identity string) fixturesgen.Account {
		return fixturesgen.Account{Sid: sid, AuthToken: "token", Services: []fixturesgen.Service{{
			Users:         []fixturesgen.User{{Identity: identity}},
			Conversations: []fixturesgen.Conversation{{UniqueName: new("general"), Participants: []fixturesgen.Participant{{User: identity}}}},
		}}}
	}
	stub := stubtest.New(t, stubtest.WithFixtureDocument(fixturesgen.Fixtures{Accounts: []fixturesgen.Account{
		account("AC00000000000000000000000000000001", "ana"),
		account("AC00000000000000000000000000000002", "ben"),
	}}))
	ctx := context.Background()
	if _, err := stub.Client().User("ana").Fetch(ctx, "general"); err != nil {
		t.Fatalf("the first account's ana: %v", err)
	}
	if _, err := stub.Client().User("ben").Fetch(ctx, "general"); err == nil {
		t.Fatal("the first account sees the second's ben")
	}
	if _, err := stubtest.Start(stubtest.WithFixtureDocument(fixturesgen.Fixtures{})); err == nil || !strings.Contains(err.Error(), "accounts") {
		t.Fatalf("an empty document: %v", err)
	}
}
