package twilioapi_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/twilio-stubs/userconversations/gen/conversations"
	"github.com/twilio-stubs/userconversations/server"
	"github.com/twilio-stubs/userconversations/server/internal/testkit"
	"github.com/twilio-stubs/userconversations/server/internal/twilioerr"
)

func TestFetchResolvesUserAndConversation(t *testing.T) {
	s := testkit.NewStub(t)
	tests := []struct {
		name, user, conversation string
		wantUser, wantConv       string
	}{
		{"by SIDs", testkit.SID("US", 1), testkit.SID("CH", 1), testkit.SID("US", 1), testkit.SID("CH", 1)},
		{"by identity and unique_name", "alice", "general", testkit.SID("US", 1), testkit.SID("CH", 1)},
		{"identity, conversation SID", "alice", testkit.SID("CH", 3), testkit.SID("US", 1), testkit.SID("CH", 3)},
		{"identity with a space", "ana maria", "odd", testkit.SID("US", 10), testkit.SID("CH", 5)},
		{"identity with a slash", "eve/ops", "odd", testkit.SID("US", 11), testkit.SID("CH", 5)},
		{"identity with plus and at", "x+y@example.com", "odd", testkit.SID("US", 12), testkit.SID("CH", 5)},
		{"non-ASCII identity", "Zoë", "odd", testkit.SID("US", 13), testkit.SID("CH", 5)},
		{"identity with a percent sign", "50%off", "odd", testkit.SID("US", 14), testkit.SID("CH", 5)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			uc := s.Request(http.MethodGet, testkit.UCPath(tt.user, tt.conversation), nil).UserConversation(t)
			if *uc.UserSid != tt.wantUser || *uc.ConversationSid != tt.wantConv {
				t.Fatalf("got user %s conversation %s, want %s %s", *uc.UserSid, *uc.ConversationSid, tt.wantUser, tt.wantConv)
			}
		})
	}
}

func TestFetchRendersTheResource(t *testing.T) {
	s := testkit.NewStub(t)
	uc := s.Request(http.MethodGet, testkit.UCPath("alice", "general"), nil).UserConversation(t)
	want := map[string]string{
		"account_sid":      *uc.AccountSid,
		"chat_service_sid": *uc.ChatServiceSid,
		"participant_sid":  *uc.ParticipantSid,
		"url":              *uc.Url,
		"participant link": *uc.Links.Participant,
		"conversation":     *uc.Links.Conversation,
		"attributes":       *uc.Attributes,
		"created_by":       *uc.CreatedBy,
	}
	for field, got := range map[string]string{
		"account_sid":      testkit.AccountA,
		"chat_service_sid": testkit.ServiceA,
		"participant_sid":  testkit.SID("MB", 11),
		"url":              s.URL + "/v1/Users/" + testkit.SID("US", 1) + "/Conversations/" + testkit.SID("CH", 1),
		"participant link": s.URL + "/v1/Conversations/" + testkit.SID("CH", 1) + "/Participants/" + testkit.SID("MB", 11),
		"conversation":     s.URL + "/v1/Conversations/" + testkit.SID("CH", 1),
		"attributes":       `{"topic":"general"}`,
		"created_by":       "alice",
	} {
		if want[field] != got {
			t.Errorf("%s = %q, want %q", field, want[field], got)
		}
	}
	if uc.Timers == nil || uc.Timers.DateClosed == nil || !uc.Timers.DateClosed.Equal(testkit.Epoch.Add(48*time.Hour)) {
		t.Errorf("timers = %+v", uc.Timers)
	}
	// No read horizon yet: index and unread count are explicit nulls.
	body := string(s.Request(http.MethodGet, testkit.UCPath("alice", "general"), nil).Body)
	for _, field := range []string{`"last_read_message_index":null`, `"unread_messages_count":null`} {
		if !strings.Contains(body, field) {
			t.Errorf("body lacks %s: %s", field, body)
		}
	}
}

func TestPublicURLOverridesRequestHost(t *testing.T) {
	s := testkit.NewStubWith(t, testkit.World(), func(c *server.Config) { c.PublicURL = "https://stub.example.test/" })
	uc := s.Request(http.MethodGet, testkit.UCPath("alice", "general"), nil).UserConversation(t)
	if want := "https://stub.example.test/v1/Users/" + testkit.SID("US", 1) + "/Conversations/" + testkit.SID("CH", 1); *uc.Url != want {
		t.Fatalf("url = %s, want %s", *uc.Url, want)
	}
}

func TestUnreadMessagesCount(t *testing.T) {
	s := testkit.NewStub(t)
	tests := []struct {
		name, user, conversation string
		want                     *int
	}{
		{"no read horizon", "alice", "general", nil},
		{"all read", "bob", "general", new(0)},
		{"partly read", "alice", testkit.SID("CH", 3), new(0)},
		{"capped at 1000", "alice", testkit.SID("CH", 2), new(1000)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			uc := s.Request(http.MethodGet, testkit.UCPath(tt.user, tt.conversation), nil).UserConversation(t)
			if (uc.UnreadMessagesCount == nil) != (tt.want == nil) ||
				(tt.want != nil && *uc.UnreadMessagesCount != *tt.want) {
				t.Fatalf("unread_messages_count = %v, want %v", testkit.Deref(uc.UnreadMessagesCount), testkit.Deref(tt.want))
			}
		})
	}
}

func TestNotFound(t *testing.T) {
	s := testkit.NewStub(t)
	tests := []struct{ name, path string }{
		{"unknown user", testkit.UCPath("nobody", "general")},
		{"unknown user SID", testkit.UCPath(testkit.SID("US", 999), "general")},
		{"unknown conversation", testkit.UCPath("alice", "nowhere")},
		{"user not a participant", testkit.UCPath("alice", testkit.SID("CH", 4))},
		{"another account's conversation", testkit.UCPath("alice", testkit.SID("CH", 0xb0b))},
		{"another account's user", testkit.UCPath(testkit.SID("US", 0xb0b), "general")},
		{"list of an unknown user", testkit.UserPath("nobody")},
		{"another account's service", testkit.InService(testkit.ServiceB, testkit.UCPath("alice", "general"))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg := s.Request(http.MethodGet, tt.path, nil).TwilioError(t, http.StatusNotFound, twilioerr.CodeNotFound)
			// Twilio's v1 wording: the path as requested, without /v1.
			if want := "The requested resource " + strings.TrimPrefix(tt.path, "/v1") + " was not found"; msg != want {
				t.Fatalf("message %q, want %q", msg, want)
			}
		})
	}
}

func TestUpdate(t *testing.T) {
	later := testkit.Epoch.Add(400 * 24 * time.Hour)
	tests := []struct {
		name      string
		form      url.Values
		wantIndex *int
		wantLevel conversations.NotificationLevel
	}{
		{"index", url.Values{"LastReadMessageIndex": {"4"}}, new(4), "default"},
		{"index zero", url.Values{"LastReadMessageIndex": {"0"}}, new(0), "default"},
		{"level", url.Values{"NotificationLevel": {"muted"}}, new(9), "muted"},
		{"timestamp only", url.Values{"LastReadTimestamp": {"2024-05-06T07:08:09+02:00"}}, new(9), "default"},
		{"clear index", url.Values{"LastReadMessageIndex": {""}}, nil, "default"},
		{"all three", url.Values{
			"LastReadMessageIndex": {"7"}, "NotificationLevel": {"muted"}, "LastReadTimestamp": {"2024-05-06T05:08:09Z"},
		}, new(7), "muted"},
		{"nothing", url.Values{}, new(9), "default"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := testkit.NewStub(t) // bob in "general": index 9 of 10 messages
			s.Clock.Set(later)
			uc := s.Request(http.MethodPost, testkit.UCPath("bob", "general"), tt.form).UserConversation(t)
			check := func(uc conversations.UserConversation, from string) {
				t.Helper()
				if (uc.LastReadMessageIndex == nil) != (tt.wantIndex == nil) ||
					(tt.wantIndex != nil && *uc.LastReadMessageIndex != *tt.wantIndex) {
					t.Fatalf("%s: last_read_message_index = %v, want %v", from, testkit.Deref(uc.LastReadMessageIndex), testkit.Deref(tt.wantIndex))
				}
				if uc.NotificationLevel != tt.wantLevel {
					t.Fatalf("%s: notification_level = %s, want %s", from, uc.NotificationLevel, tt.wantLevel)
				}
				if tt.wantIndex != nil && *uc.UnreadMessagesCount != 10-1-*tt.wantIndex {
					t.Fatalf("%s: unread = %d", from, *uc.UnreadMessagesCount)
				}
				if !uc.DateUpdated.Equal(later) {
					t.Fatalf("%s: date_updated = %s, want %s", from, uc.DateUpdated, later)
				}
			}
			check(uc, "update response")
			check(s.Request(http.MethodGet, testkit.UCPath("bob", "general"), nil).UserConversation(t), "next fetch")
			for _, item := range s.Request(http.MethodGet, testkit.UserPath("bob"), nil).Page(t).Conversations {
				if *item.ConversationSid == testkit.SID("CH", 1) {
					check(item, "list")
				}
			}
		})
	}
}

func TestUpdateKeepsTimestamp(t *testing.T) {
	s := testkit.NewStub(t)
	s.Request(http.MethodPost, testkit.UCPath("bob", "general"), url.Values{"LastReadTimestamp": {"2024-05-06T07:08:09+02:00"}}).UserConversation(t)
	world, err := s.Store.Snapshot(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	got := world.Accounts[0].Services[0].Conversations[0].Participants[1].LastReadTimestamp
	if want := time.Date(2024, 5, 6, 5, 8, 9, 0, time.UTC); got == nil || !got.Equal(want) {
		t.Fatalf("stored last_read_timestamp %v, want %s", got, want)
	}
}

func TestDelete(t *testing.T) {
	s := testkit.NewStub(t)
	if r := s.Request(http.MethodDelete, testkit.UCPath("alice", "general"), nil); r.Status != http.StatusNoContent || len(r.Body) != 0 {
		t.Fatalf("delete: %d %q", r.Status, r.Body)
	}
	s.Request(http.MethodGet, testkit.UCPath("alice", "general"), nil).TwilioError(t, http.StatusNotFound, twilioerr.CodeNotFound)
	for _, item := range s.Request(http.MethodGet, testkit.UserPath("alice"), nil).Page(t).Conversations {
		if *item.ConversationSid == testkit.SID("CH", 1) {
			t.Fatal("list still has the removed conversation")
		}
	}
	s.Request(http.MethodDelete, testkit.UCPath("alice", "general"), nil).TwilioError(t, http.StatusNotFound, twilioerr.CodeNotFound)
	// The other participant stays.
	s.Request(http.MethodGet, testkit.UCPath("bob", "general"), nil).UserConversation(t)
}

func TestServiceScopedPaths(t *testing.T) {
	s := testkit.NewStub(t)
	base := "/v1/Services/" + testkit.NamedA
	uc := s.Request(http.MethodGet, testkit.InService(testkit.NamedA, testkit.UCPath("alice", "named-room")), nil).UserConversation(t)
	if *uc.ChatServiceSid != testkit.NamedA {
		t.Fatalf("chat_service_sid = %s", *uc.ChatServiceSid)
	}
	if want := s.URL + base + "/Users/" + testkit.SID("US", 0xa2) + "/Conversations/" + testkit.SID("CH", 0xa2); *uc.Url != want {
		t.Fatalf("url = %s, want %s", *uc.Url, want)
	}
	if want := s.URL + base + "/Conversations/" + testkit.SID("CH", 0xa2); *uc.Links.Conversation != want {
		t.Fatalf("conversation link = %s, want %s", *uc.Links.Conversation, want)
	}
	// The same identity in the default service is another user.
	s.Request(http.MethodGet, testkit.InService(testkit.NamedA, testkit.UCPath("alice", "general")), nil).TwilioError(t, http.StatusNotFound, twilioerr.CodeNotFound)
	// The default service's explicit SID works like the /v1/Users paths.
	s.Request(http.MethodGet, testkit.InService(testkit.ServiceA, testkit.UCPath("alice", "general")), nil).UserConversation(t)

	updated := s.Request(http.MethodPost, testkit.InService(testkit.NamedA, testkit.UCPath("alice", "named-room")), url.Values{"NotificationLevel": {"muted"}}).UserConversation(t)
	if updated.NotificationLevel != conversations.NotificationLevelMuted {
		t.Fatalf("update: %s", updated.NotificationLevel)
	}
	page := s.Request(http.MethodGet, testkit.InService(testkit.NamedA, testkit.UserPath("alice")), nil).Page(t)
	if len(page.Conversations) != 1 || !strings.HasPrefix(page.Meta.Url, s.URL+base+"/Users/") {
		t.Fatalf("list: %d items, url %s", len(page.Conversations), page.Meta.Url)
	}
	if r := s.Request(http.MethodDelete, testkit.InService(testkit.NamedA, testkit.UCPath("alice", "named-room")), nil); r.Status != http.StatusNoContent {
		t.Fatalf("delete: %d", r.Status)
	}
	s.Request(http.MethodGet, testkit.InService(testkit.NamedA, testkit.UCPath("alice", "named-room")), nil).TwilioError(t, http.StatusNotFound, twilioerr.CodeNotFound)
}
