package recording_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/twilio-stubs/userconversations/gen/conversations"
	"github.com/twilio-stubs/userconversations/server/fixtures"
	"github.com/twilio-stubs/userconversations/server/internal/recording"
	"github.com/twilio-stubs/userconversations/server/internal/testkit"
	"github.com/twilio-stubs/userconversations/server/store"
	"github.com/twilio-stubs/userconversations/server/store/memory"
)

var (
	account = testkit.AccountA
	service = testkit.ServiceA
	alice   = testkit.SID("US", 1)
	bob     = testkit.SID("US", 2)
	conv    = testkit.SID("CH", 1)
	t0      = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
)

// seen is a user conversation as an answer shows it.
func seen(user, participant string, index, unread *int, updated time.Time) conversations.UserConversation {
	return conversations.UserConversation{
		AccountSid: &account, ChatServiceSid: &service, ConversationSid: &conv,
		ParticipantSid: &participant, UserSid: &user,
		LastReadMessageIndex: index, UnreadMessagesCount: unread,
		ConversationState: conversations.ConversationStateActive, NotificationLevel: conversations.NotificationLevelDefault,
		Attributes: new("{}"), DateCreated: &t0, DateUpdated: &updated, UniqueName: new("general"),
		Timers: &conversations.ConversationTimers{},
	}
}

func worldOf(t *testing.T, r *recording.Recorder) store.World {
	t.Helper()
	w, ok := r.World()
	if !ok {
		t.Fatal("nothing recorded")
	}
	return w
}

// The message count is the smallest one that gives every unread count
// seen; a count at the cap (1000) may hide more, so the smallest is taken
// there too.
func TestMessageCountIsTheSmallestConsistent(t *testing.T) {
	tests := []struct {
		name  string
		views [][2]*int // index, unread
		want  int
	}{
		{"no read horizon", [][2]*int{{nil, nil}}, 0},
		{"all read", [][2]*int{{new(9), new(0)}}, 10},
		{"some unread", [][2]*int{{new(100), new(19)}}, 120},
		{"at the cap", [][2]*int{{new(10), new(1000)}}, 1011},
		{"the largest of several", [][2]*int{{new(3), new(1)}, {new(7), new(2)}, {nil, nil}}, 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := recording.New()
			for _, v := range tt.views {
				r.Saw(recording.Request{User: alice}, seen(alice, testkit.SID("MB", 1), v[0], v[1], t0))
			}
			if got := worldOf(t, r).Accounts[0].Services[0].Conversations[0].MessageCount; got != tt.want {
				t.Fatalf("message count %d, want %d", got, tt.want)
			}
		})
	}
}

// Identities and unique names come from the requests that used them; a
// user never addressed by name gets a placeholder identity.
func TestNamesComeFromTheRequests(t *testing.T) {
	r := recording.New()
	r.Saw(recording.Request{User: "alice", Conversation: "general"}, seen(alice, testkit.SID("MB", 1), nil, nil, t0))
	r.Saw(recording.Request{User: bob}, seen(bob, testkit.SID("MB", 2), nil, nil, t0))
	users := worldOf(t, r).Accounts[0].Services[0].Users
	want := []store.User{{SID: alice, Identity: "alice"}, {SID: bob, Identity: recording.UnknownIdentityPrefix + bob}}
	if len(users) != 2 || users[0] != want[0] || users[1] != want[1] {
		t.Fatalf("users %+v, want %+v", users, want)
	}
	// An identity seen on another SID moves to it.
	carol := testkit.SID("US", 3)
	r.Saw(recording.Request{User: "alice"}, seen(carol, testkit.SID("MB", 3), nil, nil, t0))
	users = worldOf(t, r).Accounts[0].Services[0].Users
	if users[0].Identity != recording.UnknownIdentityPrefix+alice || users[2].Identity != "alice" {
		t.Fatalf("after alice's identity moved: %+v", users)
	}
	if c := worldOf(t, r).Accounts[0].Services[0].Conversations[0]; c.UniqueName == nil || *c.UniqueName != "general" {
		t.Fatalf("unique name %v", c.UniqueName)
	}
}

// A deleted participation is dropped, whether the DELETE named the user
// and conversation by SID or by name, in the default service (found from
// the account or its API key) or a named one.
func TestDeletedParticipationsAreDropped(t *testing.T) {
	tests := []struct {
		name string
		req  recording.Request
	}{
		{"by SIDs, account", recording.Request{Username: account, User: alice, Conversation: conv}},
		{"by names, API key", recording.Request{Username: testkit.KeyA, User: "alice", Conversation: "general"}},
		{"in the named service", recording.Request{Username: "", Service: service, User: alice, Conversation: "general"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := recording.New()
			r.Saw(recording.Request{Username: testkit.KeyA, User: "alice"}, seen(alice, testkit.SID("MB", 1), nil, nil, t0))
			r.Saw(recording.Request{Username: testkit.KeyA, User: bob}, seen(bob, testkit.SID("MB", 2), nil, nil, t0))
			r.Removed(recording.Request{Username: account, User: "nobody", Conversation: conv}) // never seen: nothing
			r.Removed(tt.req)
			parts := worldOf(t, r).Accounts[0].Services[0].Conversations[0].Participants
			if len(parts) != 1 || parts[0].UserSID != bob {
				t.Fatalf("participants %+v, want bob's only", parts)
			}
		})
	}
}

// Replayed, every participant shows the date_updated it showed, though a
// conversation has one date of its own: the earliest.
func TestDateUpdatedReplaysPerParticipant(t *testing.T) {
	r := recording.New()
	r.Saw(recording.Request{User: alice}, seen(alice, testkit.SID("MB", 1), nil, nil, t0.Add(time.Hour)))
	r.Saw(recording.Request{User: bob}, seen(bob, testkit.SID("MB", 2), nil, nil, t0.Add(2*time.Hour)))
	doc, _ := r.Fixtures()
	for i := range doc.Accounts {
		doc.Accounts[i].AuthToken = "token"
	}
	w, err := fixtures.Parse(testkit.MustJSON(t, doc))
	if err != nil {
		t.Fatal(err)
	}
	st := memory.New()
	if err := st.Load(context.Background(), w); err != nil {
		t.Fatal(err)
	}
	for user, want := range map[string]time.Time{alice: t0.Add(time.Hour), bob: t0.Add(2 * time.Hour)} {
		uc, err := st.FetchUserConversation(context.Background(), store.Scope{Account: account}, user, conv)
		if err != nil || !uc.DateUpdated.Equal(want) {
			t.Errorf("%s: date_updated %v (%v), want %v", user, uc.DateUpdated, err, want)
		}
	}
}

// The recording holds no secret, and is a fixture document the stub
// loads, as JSON or YAML, written whole or not at all.
func TestTheFileIsAFixtureDocument(t *testing.T) {
	r := recording.New()
	if _, ok := r.Fixtures(); ok {
		t.Fatal("an empty recording is a document")
	}
	select {
	case <-r.Changed():
		t.Fatal("changed before anything was recorded")
	default:
	}
	r.Saw(recording.Request{Username: testkit.KeyA, User: "alice"}, seen(alice, testkit.SID("MB", 1), new(1), new(2), t0))
	select {
	case <-r.Changed():
	default:
		t.Fatal("no change signalled")
	}
	doc, _ := r.Fixtures()
	acct := doc.Accounts[0]
	if acct.AuthToken != recording.PlaceholderSecret || len(acct.ApiKeys) != 1 || acct.ApiKeys[0].Secret != recording.PlaceholderSecret {
		t.Fatalf("credentials %+v", acct)
	}
	dir := t.TempDir()
	for _, name := range []string{"rec.json", "rec.yaml"} {
		file := filepath.Join(dir, name)
		if err := os.WriteFile(file, []byte("old"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := recording.WriteFile(file, doc); err != nil {
			t.Fatal(err)
		}
		w, err := fixtures.Load(file)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if c := w.Accounts[0].Services[0].Conversations[0]; c.MessageCount != 4 || !c.DateCreated.Equal(t0) {
			t.Fatalf("%s: %+v", name, c)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Fatalf("temporary files left behind: %v", entries)
	}
	if err := recording.WriteFile(filepath.Join(dir, "missing", "rec.json"), doc); err == nil {
		t.Fatal("writing into a missing folder succeeded")
	}
}
