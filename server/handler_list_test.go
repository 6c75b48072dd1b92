package server_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/twilio-stubs/userconversations/server"
	"github.com/twilio-stubs/userconversations/server/store"
)

// manyWorld is account A with one user, "many", in n conversations.
func manyWorld(n int) store.World {
	w := testWorld()
	svc := &w.Accounts[0].Services[0]
	svc.Users = append(svc.Users, store.User{SID: sid("US", 0x4d), Identity: "many"})
	for i := range n {
		created := epoch.Add(time.Duration(i) * time.Second)
		svc.Conversations = append(svc.Conversations, store.Conversation{
			SID: sid("CH", 0x10000+i), State: store.StateActive, Attributes: "{}",
			DateCreated: created, DateUpdated: created, MessageCount: i % 7,
			Participants: []store.Participant{{
				SID: sid("MB", 0x10000+i), UserSID: sid("US", 0x4d),
				NotificationLevel: store.NotificationLevelDefault, DateUpdated: created,
			}},
		})
	}
	return w
}

// pathOf strips the stub's scheme and host from an absolute URL.
func (s *stub) pathOf(t *testing.T, absolute string) string {
	t.Helper()
	rest, ok := strings.CutPrefix(absolute, s.url)
	if !ok {
		t.Fatalf("%s is not an absolute URL of the stub %s", absolute, s.url)
	}
	return rest
}

func TestListFollowsNextPageURL(t *testing.T) {
	const n = 23
	s := newStubWith(t, manyWorld(n), nil)
	var got []string
	next := userPath("many") + "?PageSize=5"
	for pages := 0; next != ""; pages++ {
		if pages > n {
			t.Fatal("paging does not end")
		}
		page := s.request(http.MethodGet, next, nil).page(t)
		if page.Meta.PageSize != 5 || page.Meta.Page != pages || page.Meta.Key != "conversations" {
			t.Fatalf("page %d meta: %+v", pages, page.Meta)
		}
		for _, item := range page.Conversations {
			got = append(got, *item.ConversationSid)
		}
		next = ""
		if page.Meta.NextPageUrl != nil {
			u, err := url.Parse(*page.Meta.NextPageUrl)
			if err != nil || u.Query().Get("PageSize") != "5" || u.Query().Get("PageToken") == "" {
				t.Fatalf("next_page_url %s lacks PageSize or PageToken", *page.Meta.NextPageUrl)
			}
			next = s.pathOf(t, *page.Meta.NextPageUrl)
		}
	}
	var want []string
	for i := range n {
		want = append(want, sid("CH", 0x10000+i))
	}
	if !slices.Equal(got, want) {
		t.Fatalf("paged through %d items, want %d in creation order:\n got %v\nwant %v", len(got), n, got, want)
	}
}

func TestListMeta(t *testing.T) {
	s := newStubWith(t, manyWorld(3), nil)
	userURL := s.url + "/v1/Users/" + sid("US", 0x4d) + "/Conversations"

	first := s.request(http.MethodGet, userPath("many"), nil).page(t)
	if first.Meta.PageSize != 50 || len(first.Conversations) != 3 {
		t.Fatalf("default page: size %d, %d items", first.Meta.PageSize, len(first.Conversations))
	}
	if first.Meta.Url != userURL+"?PageSize=50&Page=0" || first.Meta.FirstPageUrl != userURL+"?PageSize=50&Page=0" {
		t.Fatalf("url %s first_page_url %s", first.Meta.Url, first.Meta.FirstPageUrl)
	}
	body := string(s.request(http.MethodGet, userPath("many"), nil).body)
	for _, null := range []string{`"next_page_url":null`, `"previous_page_url":null`} {
		if !strings.Contains(body, null) {
			t.Fatalf("single page lacks %s: %s", null, body)
		}
	}

	p0 := s.request(http.MethodGet, userPath("many")+"?PageSize=1", nil).page(t)
	p1 := s.request(http.MethodGet, s.pathOf(t, *p0.Meta.NextPageUrl), nil).page(t)
	if p1.Meta.Page != 1 || p1.Meta.PreviousPageUrl == nil {
		t.Fatalf("second page meta %+v", p1.Meta)
	}
	back := s.request(http.MethodGet, s.pathOf(t, *p1.Meta.PreviousPageUrl), nil).page(t)
	if len(back.Conversations) != 1 || *back.Conversations[0].ConversationSid != *p0.Conversations[0].ConversationSid || back.Meta.Page != 0 {
		t.Fatalf("previous_page_url led to %+v", back)
	}
	if p1.Meta.Url != *p0.Meta.NextPageUrl {
		t.Fatalf("url %s, want the next_page_url that led here %s", p1.Meta.Url, *p0.Meta.NextPageUrl)
	}
}

func TestListPageWithoutTokenCountsFromStart(t *testing.T) {
	s := newStubWith(t, manyWorld(10), nil)
	page := s.request(http.MethodGet, userPath("many")+"?PageSize=3&Page=2", nil).page(t)
	if len(page.Conversations) != 3 || *page.Conversations[0].ConversationSid != sid("CH", 0x10000+6) || page.Meta.Page != 2 {
		t.Fatalf("Page=2 PageSize=3: %d items from %s", len(page.Conversations), *page.Conversations[0].ConversationSid)
	}
	past := s.request(http.MethodGet, userPath("many")+"?PageSize=3&Page=9", nil).page(t)
	if len(past.Conversations) != 0 || past.Meta.NextPageUrl != nil {
		t.Fatalf("page past the end: %+v", past.Meta)
	}
}

func TestListDeleteBetweenPagesSkipsNothing(t *testing.T) {
	s := newStubWith(t, manyWorld(9), nil)
	p0 := s.request(http.MethodGet, userPath("many")+"?PageSize=3", nil).page(t)
	// Remove the last item of the page just read and the first of the next.
	for _, i := range []int{2, 3} {
		if r := s.request(http.MethodDelete, ucPath("many", sid("CH", 0x10000+i)), nil); r.status != http.StatusNoContent {
			t.Fatalf("delete: %d", r.status)
		}
	}
	p1 := s.request(http.MethodGet, s.pathOf(t, *p0.Meta.NextPageUrl), nil).page(t)
	var got []string
	for _, item := range p1.Conversations {
		got = append(got, *item.ConversationSid)
	}
	want := []string{sid("CH", 0x10000+4), sid("CH", 0x10000+5), sid("CH", 0x10000+6)}
	if !slices.Equal(got, want) {
		t.Fatalf("page after deletes = %v, want %v", got, want)
	}
}

func TestListRefusesBadPageTokens(t *testing.T) {
	s := newStubWith(t, manyWorld(4), nil)
	page := s.request(http.MethodGet, userPath("many")+"?PageSize=1", nil).page(t)
	token, _ := url.Parse(*page.Meta.NextPageUrl)
	good := token.Query().Get("PageToken")
	otherUserToken := func() string {
		p := s.request(http.MethodGet, userPath("alice")+"?PageSize=1", nil).page(t)
		u, _ := url.Parse(*p.Meta.NextPageUrl)
		return u.Query().Get("PageToken")
	}()
	flipped := []byte(good)
	flipped[len(flipped)-3] ^= 1

	tests := []struct{ name, path string }{
		{"garbage", userPath("many") + "?PageToken=hello"},
		{"truncated", userPath("many") + "?PageToken=" + good[:len(good)-4]},
		{"one character changed", userPath("many") + "?PageToken=" + string(flipped)},
		{"another user's token", userPath("many") + "?PageToken=" + otherUserToken},
		{"another service's path", inService(serviceA, userPath("many")) + "?PageToken=" + good},
		{"empty prefix", userPath("many") + "?PageToken=PT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg := s.request(http.MethodGet, tt.path, nil).twilioError(t, http.StatusBadRequest, server.CodeInvalidParameter)
			if !strings.Contains(msg, "PageToken") {
				t.Fatalf("message %q does not name PageToken", msg)
			}
		})
	}
	// Account B cannot use account A's token, even on its own user.
	r := s.request(http.MethodGet, userPath("alice")+"?PageToken="+good, nil, accountB, tokenB)
	r.twilioError(t, http.StatusBadRequest, server.CodeInvalidParameter)
}

func TestListPageCostDoesNotGrowWithPosition(t *testing.T) {
	// Positions, not offsets: the token of the last page names a
	// conversation, so it still works after everything before it is gone.
	s := newStubWith(t, manyWorld(6), nil)
	p := s.request(http.MethodGet, userPath("many")+"?PageSize=2&Page=1", nil).page(t)
	for i := range 4 {
		s.request(http.MethodDelete, ucPath("many", sid("CH", 0x10000+i)), nil)
	}
	last := s.request(http.MethodGet, s.pathOf(t, *p.Meta.NextPageUrl), nil).page(t)
	if len(last.Conversations) != 2 || *last.Conversations[0].ConversationSid != sid("CH", 0x10004) {
		t.Fatalf("token after deletes gave %d items", len(last.Conversations))
	}
	if last.Meta.PreviousPageUrl != nil {
		t.Fatalf("nothing precedes this page any more, yet previous_page_url = %s", *last.Meta.PreviousPageUrl)
	}
}
