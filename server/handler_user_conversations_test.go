package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/twilio-stubs/userconversations/gen/conversations"
	"github.com/twilio-stubs/userconversations/server"
)

func TestFetchResolvesUserAndConversation(t *testing.T) {
	s := newStub(t)
	tests := []struct {
		name, user, conversation string
		wantUser, wantConv       string
	}{
		{"by SIDs", sid("US", 1), sid("CH", 1), sid("US", 1), sid("CH", 1)},
		{"by identity and unique_name", "alice", "general", sid("US", 1), sid("CH", 1)},
		{"identity, conversation SID", "alice", sid("CH", 3), sid("US", 1), sid("CH", 3)},
		{"identity with a space", "ana maria", "odd", sid("US", 10), sid("CH", 5)},
		{"identity with a slash", "eve/ops", "odd", sid("US", 11), sid("CH", 5)},
		{"identity with plus and at", "x+y@example.com", "odd", sid("US", 12), sid("CH", 5)},
		{"non-ASCII identity", "Zoë", "odd", sid("US", 13), sid("CH", 5)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			uc := s.request(http.MethodGet, ucPath(tt.user, tt.conversation), nil).userConversation(t)
			if *uc.UserSid != tt.wantUser || *uc.ConversationSid != tt.wantConv {
				t.Fatalf("got user %s conversation %s, want %s %s", *uc.UserSid, *uc.ConversationSid, tt.wantUser, tt.wantConv)
			}
		})
	}
}

func TestFetchRendersTheResource(t *testing.T) {
	s := newStub(t)
	uc := s.request(http.MethodGet, ucPath("alice", "general"), nil).userConversation(t)
	want := map[string]string{
		"account_sid":      *uc.AccountSid,
		"chat_service_sid": *uc.ChatServiceSid,
		"participant_sid":  *uc.ParticipantSid,
		"url":              *uc.Url,
		"participant link": uc.Links.Participant,
		"conversation":     uc.Links.Conversation,
		"attributes":       *uc.Attributes,
		"created_by":       *uc.CreatedBy,
	}
	for field, got := range map[string]string{
		"account_sid":      accountA,
		"chat_service_sid": serviceA,
		"participant_sid":  sid("MB", 11),
		"url":              s.url + "/v1/Users/" + sid("US", 1) + "/Conversations/" + sid("CH", 1),
		"participant link": s.url + "/v1/Conversations/" + sid("CH", 1) + "/Participants/" + sid("MB", 11),
		"conversation":     s.url + "/v1/Conversations/" + sid("CH", 1),
		"attributes":       `{"topic":"general"}`,
		"created_by":       "alice",
	} {
		if want[field] != got {
			t.Errorf("%s = %q, want %q", field, want[field], got)
		}
	}
	if uc.Timers == nil || uc.Timers.DateClosed == nil || !uc.Timers.DateClosed.Equal(epoch.Add(48*time.Hour)) {
		t.Errorf("timers = %+v", uc.Timers)
	}
	// No read horizon yet: index and unread count are explicit nulls.
	body := string(s.request(http.MethodGet, ucPath("alice", "general"), nil).body)
	for _, field := range []string{`"last_read_message_index":null`, `"unread_messages_count":null`} {
		if !strings.Contains(body, field) {
			t.Errorf("body lacks %s: %s", field, body)
		}
	}
}

func TestPublicURLOverridesRequestHost(t *testing.T) {
	s := newStubWith(t, testWorld(), func(c *server.Config) { c.PublicURL = "https://stub.example.test/" })
	uc := s.request(http.MethodGet, ucPath("alice", "general"), nil).userConversation(t)
	if want := "https://stub.example.test/v1/Users/" + sid("US", 1) + "/Conversations/" + sid("CH", 1); *uc.Url != want {
		t.Fatalf("url = %s, want %s", *uc.Url, want)
	}
}

func TestUnreadMessagesCount(t *testing.T) {
	s := newStub(t)
	tests := []struct {
		name, user, conversation string
		want                     *int
	}{
		{"no read horizon", "alice", "general", nil},
		{"all read", "bob", "general", ptr(0)},
		{"partly read", "alice", sid("CH", 3), ptr(0)},
		{"capped at 1000", "alice", sid("CH", 2), ptr(1000)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			uc := s.request(http.MethodGet, ucPath(tt.user, tt.conversation), nil).userConversation(t)
			if (uc.UnreadMessagesCount == nil) != (tt.want == nil) ||
				(tt.want != nil && *uc.UnreadMessagesCount != *tt.want) {
				t.Fatalf("unread_messages_count = %v, want %v", deref(uc.UnreadMessagesCount), deref(tt.want))
			}
		})
	}
}

func deref(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}

func TestNotFound(t *testing.T) {
	s := newStub(t)
	tests := []struct{ name, path string }{
		{"unknown user", ucPath("nobody", "general")},
		{"unknown user SID", ucPath(sid("US", 999), "general")},
		{"unknown conversation", ucPath("alice", "nowhere")},
		{"user not a participant", ucPath("alice", sid("CH", 4))},
		{"another account's conversation", ucPath("alice", sid("CH", 0xb0b))},
		{"another account's user", ucPath(sid("US", 0xb0b), "general")},
		{"list of an unknown user", userPath("nobody")},
		{"another account's service", inService(serviceB, ucPath("alice", "general"))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg := s.request(http.MethodGet, tt.path, nil).twilioError(t, http.StatusNotFound, server.CodeNotFound)
			if !strings.Contains(msg, "was not found") {
				t.Fatalf("message %q", msg)
			}
		})
	}
}

func TestUpdate(t *testing.T) {
	later := epoch.Add(400 * 24 * time.Hour)
	tests := []struct {
		name      string
		form      url.Values
		wantIndex *int
		wantLevel conversations.NotificationLevel
	}{
		{"index", url.Values{"LastReadMessageIndex": {"4"}}, ptr(4), "default"},
		{"index zero", url.Values{"LastReadMessageIndex": {"0"}}, ptr(0), "default"},
		{"level", url.Values{"NotificationLevel": {"muted"}}, ptr(9), "muted"},
		{"timestamp only", url.Values{"LastReadTimestamp": {"2024-05-06T07:08:09+02:00"}}, ptr(9), "default"},
		{"clear index", url.Values{"LastReadMessageIndex": {""}}, nil, "default"},
		{"all three", url.Values{
			"LastReadMessageIndex": {"7"}, "NotificationLevel": {"muted"}, "LastReadTimestamp": {"2024-05-06T05:08:09Z"},
		}, ptr(7), "muted"},
		{"nothing", url.Values{}, ptr(9), "default"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newStub(t) // bob in "general": index 9 of 10 messages
			s.clock.Set(later)
			uc := s.request(http.MethodPost, ucPath("bob", "general"), tt.form).userConversation(t)
			check := func(uc conversations.UserConversation, from string) {
				t.Helper()
				if (uc.LastReadMessageIndex == nil) != (tt.wantIndex == nil) ||
					(tt.wantIndex != nil && *uc.LastReadMessageIndex != *tt.wantIndex) {
					t.Fatalf("%s: last_read_message_index = %v, want %v", from, deref(uc.LastReadMessageIndex), deref(tt.wantIndex))
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
			check(s.request(http.MethodGet, ucPath("bob", "general"), nil).userConversation(t), "next fetch")
			for _, item := range s.request(http.MethodGet, userPath("bob"), nil).page(t).Conversations {
				if *item.ConversationSid == sid("CH", 1) {
					check(item, "list")
				}
			}
		})
	}
}

func TestUpdateKeepsTimestamp(t *testing.T) {
	s := newStub(t)
	s.request(http.MethodPost, ucPath("bob", "general"), url.Values{"LastReadTimestamp": {"2024-05-06T07:08:09+02:00"}}).userConversation(t)
	world, err := s.store.Snapshot(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	got := world.Accounts[0].Services[0].Conversations[0].Participants[1].LastReadTimestamp
	if want := time.Date(2024, 5, 6, 5, 8, 9, 0, time.UTC); got == nil || !got.Equal(want) {
		t.Fatalf("stored last_read_timestamp %v, want %s", got, want)
	}
}

func TestDelete(t *testing.T) {
	s := newStub(t)
	if r := s.request(http.MethodDelete, ucPath("alice", "general"), nil); r.status != http.StatusNoContent || len(r.body) != 0 {
		t.Fatalf("delete: %d %q", r.status, r.body)
	}
	s.request(http.MethodGet, ucPath("alice", "general"), nil).twilioError(t, http.StatusNotFound, server.CodeNotFound)
	for _, item := range s.request(http.MethodGet, userPath("alice"), nil).page(t).Conversations {
		if *item.ConversationSid == sid("CH", 1) {
			t.Fatal("list still has the removed conversation")
		}
	}
	s.request(http.MethodDelete, ucPath("alice", "general"), nil).twilioError(t, http.StatusNotFound, server.CodeNotFound)
	// The other participant stays.
	s.request(http.MethodGet, ucPath("bob", "general"), nil).userConversation(t)
}

func TestServiceScopedPaths(t *testing.T) {
	s := newStub(t)
	base := "/v1/Services/" + namedA
	uc := s.request(http.MethodGet, inService(namedA, ucPath("alice", "named-room")), nil).userConversation(t)
	if *uc.ChatServiceSid != namedA {
		t.Fatalf("chat_service_sid = %s", *uc.ChatServiceSid)
	}
	if want := s.url + base + "/Users/" + sid("US", 0xa2) + "/Conversations/" + sid("CH", 0xa2); *uc.Url != want {
		t.Fatalf("url = %s, want %s", *uc.Url, want)
	}
	if want := s.url + base + "/Conversations/" + sid("CH", 0xa2); uc.Links.Conversation != want {
		t.Fatalf("conversation link = %s, want %s", uc.Links.Conversation, want)
	}
	// The same identity in the default service is another user.
	s.request(http.MethodGet, inService(namedA, ucPath("alice", "general")), nil).twilioError(t, http.StatusNotFound, server.CodeNotFound)
	// The default service's explicit SID works like the /v1/Users paths.
	s.request(http.MethodGet, inService(serviceA, ucPath("alice", "general")), nil).userConversation(t)

	updated := s.request(http.MethodPost, inService(namedA, ucPath("alice", "named-room")), url.Values{"NotificationLevel": {"muted"}}).userConversation(t)
	if updated.NotificationLevel != conversations.NotificationLevelMuted {
		t.Fatalf("update: %s", updated.NotificationLevel)
	}
	page := s.request(http.MethodGet, inService(namedA, userPath("alice")), nil).page(t)
	if len(page.Conversations) != 1 || !strings.HasPrefix(page.Meta.Url, s.url+base+"/Users/") {
		t.Fatalf("list: %d items, url %s", len(page.Conversations), page.Meta.Url)
	}
	if r := s.request(http.MethodDelete, inService(namedA, ucPath("alice", "named-room")), nil); r.status != http.StatusNoContent {
		t.Fatalf("delete: %d", r.status)
	}
	s.request(http.MethodGet, inService(namedA, ucPath("alice", "named-room")), nil).twilioError(t, http.StatusNotFound, server.CodeNotFound)
}
