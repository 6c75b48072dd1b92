package client

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"
)

// answerResource answers like Twilio for every User Conversation endpoint.
func answerResource(w http.ResponseWriter, r *http.Request, _ int) {
	switch {
	case r.Method == http.MethodDelete:
		w.WriteHeader(http.StatusNoContent)
	case strings.HasSuffix(r.URL.Path, "/Conversations"):
		writeJSON(w, http.StatusOK, map[string]any{
			"conversations": []any{testConversation("CHeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee")},
			"meta":          map[string]any{"page": 0, "page_size": 50, "next_page_url": nil, "key": "conversations"},
		})
	default:
		writeJSON(w, http.StatusOK, testConversation("CHeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee"))
	}
}

func TestRequestShapes(t *testing.T) {
	srv := newFakeServer(t, answerResource)
	c, _ := newTestClient(t, srv.URL)

	// An identity and a unique name holding characters that must not be
	// taken for path syntax; "+" and "@" are legal in a path segment.
	const (
		identity   = "a/b+c d@é"
		uniqueName = "room #1?"
		userPath   = "/v1/Users/a%2Fb+c%20d@%C3%A9/Conversations"
		convPath   = userPath + "/room%20%231%3F"
		svcPath    = "/v1/Services/" + testService + "/Users/a%2Fb+c%20d@%C3%A9/Conversations"
		form       = "application/x-www-form-urlencoded"
	)
	user := c.User(identity)
	svcUser := c.Service(testService).User(identity)
	plus2 := time.Date(2024, 5, 6, 7, 8, 9, 123456789, time.FixedZone("", 2*60*60))
	three := 3

	update := func(u UserConversations, p UpdateParams) func(context.Context) error {
		return func(ctx context.Context) error {
			_, err := u.Update(ctx, uniqueName, p)
			return err
		}
	}
	tests := []struct {
		name        string
		call        func(context.Context) error
		method      string
		uri         string
		body        string
		contentType string
	}{
		{
			name:   "fetch",
			call:   func(ctx context.Context) error { _, err := user.Fetch(ctx, uniqueName); return err },
			method: http.MethodGet, uri: convPath,
		},
		{
			name:   "fetch in a service",
			call:   func(ctx context.Context) error { _, err := svcUser.Fetch(ctx, uniqueName); return err },
			method: http.MethodGet, uri: svcPath + "/room%20%231%3F",
		},
		{
			name:   "remove",
			call:   func(ctx context.Context) error { return user.Remove(ctx, uniqueName) },
			method: http.MethodDelete, uri: convPath,
		},
		{
			name:   "remove in a service",
			call:   func(ctx context.Context) error { return svcUser.Remove(ctx, uniqueName) },
			method: http.MethodDelete, uri: svcPath + "/room%20%231%3F",
		},
		{
			name: "list asks for 50 by default",
			call: func(ctx context.Context) error {
				for _, err := range user.List(ctx, ListParams{}) {
					return err
				}
				return nil
			},
			method: http.MethodGet, uri: userPath + "?PageSize=50",
		},
		{
			name: "list in a service",
			call: func(ctx context.Context) error {
				for _, err := range svcUser.List(ctx, ListParams{PageSize: 20}) {
					return err
				}
				return nil
			},
			method: http.MethodGet, uri: svcPath + "?PageSize=20",
		},
		{
			name: "page with size, index and token",
			call: func(ctx context.Context) error {
				_, _, err := user.Page(ctx, PageParams{PageSize: 2, Page: &three, PageToken: "PT a/b"})
				return err
			},
			method: http.MethodGet, uri: userPath + "?PageSize=2&Page=3&PageToken=PT+a%2Fb",
		},
		{
			name: "page with nothing set",
			call: func(ctx context.Context) error {
				_, _, err := svcUser.Page(ctx, PageParams{})
				return err
			},
			method: http.MethodGet, uri: svcPath,
		},
		{
			name: "update all three, timestamp keeps its offset",
			call: update(user, UpdateParams{
				NotificationLevel:    NotificationLevelMuted,
				LastReadTimestamp:    plus2,
				LastReadMessageIndex: SetReadIndex(42),
			}),
			method: http.MethodPost, uri: convPath, contentType: form,
			body: "LastReadMessageIndex=42&LastReadTimestamp=2024-05-06T07%3A08%3A09%2B02%3A00&NotificationLevel=muted",
		},
		{
			name:   "update all three in a service",
			call:   update(svcUser, UpdateParams{NotificationLevel: NotificationLevelDefault, LastReadTimestamp: plus2.UTC(), LastReadMessageIndex: SetReadIndex(1)}),
			method: http.MethodPost, uri: svcPath + "/room%20%231%3F", contentType: form,
			body: "LastReadMessageIndex=1&LastReadTimestamp=2024-05-06T05%3A08%3A09Z&NotificationLevel=default",
		},
		{
			name:   "update index only",
			call:   update(user, UpdateParams{LastReadMessageIndex: SetReadIndex(17)}),
			method: http.MethodPost, uri: convPath, contentType: form,
			body: "LastReadMessageIndex=17",
		},
		{
			name:   "update index 0",
			call:   update(user, UpdateParams{LastReadMessageIndex: SetReadIndex(0)}),
			method: http.MethodPost, uri: convPath, contentType: form,
			body: "LastReadMessageIndex=0",
		},
		{
			name:   "clear the read horizon",
			call:   update(user, UpdateParams{LastReadMessageIndex: ClearReadIndex()}),
			method: http.MethodPost, uri: convPath, contentType: form,
			body: "LastReadMessageIndex=",
		},
		{
			name:   "update level only",
			call:   update(user, UpdateParams{NotificationLevel: NotificationLevelDefault}),
			method: http.MethodPost, uri: convPath, contentType: form,
			body: "NotificationLevel=default",
		},
		{
			name:   "update timestamp only, in UTC",
			call:   update(user, UpdateParams{LastReadTimestamp: plus2.UTC()}),
			method: http.MethodPost, uri: convPath, contentType: form,
			body: "LastReadTimestamp=2024-05-06T05%3A08%3A09Z",
		},
		{
			name:   "update nothing",
			call:   update(user, UpdateParams{}),
			method: http.MethodPost, uri: convPath, contentType: form,
			body: "",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(srv.requests())
			if err := tt.call(t.Context()); err != nil {
				t.Fatalf("call: %v", err)
			}
			reqs := srv.requests()[before:]
			if len(reqs) != 1 {
				t.Fatalf("got %d requests, want 1", len(reqs))
			}
			got := reqs[0]
			if got.Method != tt.method || got.URI != tt.uri {
				t.Errorf("request %s %s, want %s %s", got.Method, got.URI, tt.method, tt.uri)
			}
			if got.Body != tt.body {
				t.Errorf("body %q, want %q", got.Body, tt.body)
			}
			if got.ContentType != tt.contentType {
				t.Errorf("Content-Type %q, want %q", got.ContentType, tt.contentType)
			}
			if got.User != testAccount || got.Password != testToken {
				t.Errorf("basic auth %q:%q, want %q:%q", got.User, got.Password, testAccount, testToken)
			}
			if !strings.HasPrefix(got.UserAgent, "userconversations-go/"+Version+" ") {
				t.Errorf("User-Agent %q, want userconversations-go/%s ...", got.UserAgent, Version)
			}
			if got.Accept != "application/json" {
				t.Errorf("Accept %q, want application/json", got.Accept)
			}
		})
	}
}

func TestWithUserAgent(t *testing.T) {
	srv := newFakeServer(t, answerResource)
	c, _ := newTestClient(t, srv.URL, WithUserAgent("inbox-service/2.1"))
	if _, err := c.User("alice").Fetch(t.Context(), "CH1"); err != nil {
		t.Fatal(err)
	}
	if got := srv.requests()[0].UserAgent; got != "inbox-service/2.1" {
		t.Errorf("User-Agent %q, want inbox-service/2.1", got)
	}
}

func TestBaseURLPathIsKept(t *testing.T) {
	srv := newFakeServer(t, answerResource)
	c, _ := newTestClient(t, srv.URL+"/twilio")
	if err := c.User("alice").Remove(t.Context(), "CH1"); err != nil {
		t.Fatal(err)
	}
	if got, want := srv.requests()[0].URI, "/twilio/v1/Users/alice/Conversations/CH1"; got != want {
		t.Errorf("request to %s, want %s", got, want)
	}
}

func TestAnswersAreDecoded(t *testing.T) {
	srv := newFakeServer(t, answerResource)
	c, _ := newTestClient(t, srv.URL)
	const sid = "CHeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee"

	check := func(t *testing.T, conv *UserConversation) {
		t.Helper()
		if conv.ConversationSid == nil || *conv.ConversationSid != sid {
			t.Errorf("ConversationSid = %v, want %s", conv.ConversationSid, sid)
		}
		if conv.UnreadMessagesCount == nil || *conv.UnreadMessagesCount != 3 ||
			conv.LastReadMessageIndex == nil || *conv.LastReadMessageIndex != 7 {
			t.Errorf("read state = %v unread, index %v; want 3 and 7", conv.UnreadMessagesCount, conv.LastReadMessageIndex)
		}
		if conv.NotificationLevel != NotificationLevelMuted || conv.UniqueName != nil {
			t.Errorf("NotificationLevel %q, UniqueName %v; want muted and nil", conv.NotificationLevel, conv.UniqueName)
		}
		if want := time.Date(2015, 7, 30, 20, 0, 0, 0, time.UTC); conv.DateCreated == nil || !conv.DateCreated.Equal(want) {
			t.Errorf("DateCreated = %v, want %v", conv.DateCreated, want)
		}
	}
	t.Run("fetch", func(t *testing.T) {
		conv, err := c.User("alice").Fetch(t.Context(), sid)
		if err != nil {
			t.Fatal(err)
		}
		check(t, conv)
	})
	t.Run("update", func(t *testing.T) {
		conv, err := c.Service(testService).User("alice").Update(t.Context(), sid, UpdateParams{NotificationLevel: NotificationLevelMuted})
		if err != nil {
			t.Fatal(err)
		}
		check(t, conv)
	})
	t.Run("list", func(t *testing.T) {
		n := 0
		for conv, err := range c.User("alice").List(t.Context(), ListParams{}) {
			if err != nil {
				t.Fatal(err)
			}
			check(t, &conv)
			n++
		}
		if n != 1 {
			t.Errorf("listed %d conversations, want 1", n)
		}
	})
}

func TestBadArgumentsSendNothing(t *testing.T) {
	srv := newFakeServer(t, answerResource)
	c, _ := newTestClient(t, srv.URL)
	minusOne := -1

	tests := []struct {
		name string
		call func(context.Context) error
	}{
		{"empty user", func(ctx context.Context) error { _, err := c.User("").Fetch(ctx, "CH1"); return err }},
		{"empty conversation", func(ctx context.Context) error { _, err := c.User("alice").Fetch(ctx, ""); return err }},
		{"empty conversation on remove", func(ctx context.Context) error { return c.User("alice").Remove(ctx, "") }},
		{"empty service", func(ctx context.Context) error { return c.Service("").User("alice").Remove(ctx, "CH1") }},
		{"handle not from a Client", func(ctx context.Context) error { _, err := UserConversations{}.Fetch(ctx, "CH1"); return err }},
		{"negative read index", func(ctx context.Context) error {
			_, err := c.User("alice").Update(ctx, "CH1", UpdateParams{LastReadMessageIndex: SetReadIndex(-1)})
			return err
		}},
		{"negative page size", func(ctx context.Context) error {
			_, _, err := c.User("alice").Page(ctx, PageParams{PageSize: -5})
			return err
		}},
		{"negative page index", func(ctx context.Context) error {
			_, _, err := c.User("alice").Page(ctx, PageParams{Page: &minusOne})
			return err
		}},
		{"empty user on page", func(ctx context.Context) error { _, _, err := c.User("").Page(ctx, PageParams{}); return err }},
		{"negative limit", func(ctx context.Context) error {
			for _, err := range c.User("alice").List(ctx, ListParams{Limit: -1}) {
				return err
			}
			return nil
		}},
		{"negative list page size", func(ctx context.Context) error {
			for _, err := range c.User("alice").List(ctx, ListParams{PageSize: -1}) {
				return err
			}
			return nil
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.call(t.Context()); err == nil {
				t.Error("no error")
			}
		})
	}
	if n := len(srv.requests()); n != 0 {
		t.Errorf("%d requests were sent, want none", n)
	}
}
