package twilioapi_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/twilio-stubs/userconversations/server/internal/testkit"
	"github.com/twilio-stubs/userconversations/server/internal/twilioerr"
)

func TestListFollowsNextPageURL(t *testing.T) {
	const n = 23
	s := testkit.NewStubWith(t, testkit.ManyWorld(n), nil)
	var got []string
	next := testkit.UserPath("many") + "?PageSize=5"
	for pages := 0; next != ""; pages++ {
		if pages > n {
			t.Fatal("paging does not end")
		}
		page := s.Request(http.MethodGet, next, nil).Page(t)
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
			next = s.PathOf(t, *page.Meta.NextPageUrl)
		}
	}
	var want []string
	for i := range n {
		want = append(want, testkit.SID("CH", 0x10000+i))
	}
	if !slices.Equal(got, want) {
		t.Fatalf("paged through %d items, want %d in creation order:\n got %v\nwant %v", len(got), n, got, want)
	}
}

func TestListMeta(t *testing.T) {
	s := testkit.NewStubWith(t, testkit.ManyWorld(3), nil)
	userURL := s.URL + "/v1/Users/" + testkit.SID("US", 0x4d) + "/Conversations"

	first := s.Request(http.MethodGet, testkit.UserPath("many"), nil).Page(t)
	if first.Meta.PageSize != 50 || len(first.Conversations) != 3 {
		t.Fatalf("default page: size %d, %d items", first.Meta.PageSize, len(first.Conversations))
	}
	if first.Meta.Url != userURL+"?PageSize=50&Page=0" || first.Meta.FirstPageUrl != userURL+"?PageSize=50&Page=0" {
		t.Fatalf("url %s first_page_url %s", first.Meta.Url, first.Meta.FirstPageUrl)
	}
	body := string(s.Request(http.MethodGet, testkit.UserPath("many"), nil).Body)
	for _, null := range []string{`"next_page_url":null`, `"previous_page_url":null`} {
		if !strings.Contains(body, null) {
			t.Fatalf("single page lacks %s: %s", null, body)
		}
	}

	p0 := s.Request(http.MethodGet, testkit.UserPath("many")+"?PageSize=1", nil).Page(t)
	p1 := s.Request(http.MethodGet, s.PathOf(t, *p0.Meta.NextPageUrl), nil).Page(t)
	if p1.Meta.Page != 1 || p1.Meta.PreviousPageUrl == nil {
		t.Fatalf("second page meta %+v", p1.Meta)
	}
	back := s.Request(http.MethodGet, s.PathOf(t, *p1.Meta.PreviousPageUrl), nil).Page(t)
	if len(back.Conversations) != 1 || *back.Conversations[0].ConversationSid != *p0.Conversations[0].ConversationSid || back.Meta.Page != 0 {
		t.Fatalf("previous_page_url led to %+v", back)
	}
	if p1.Meta.Url != *p0.Meta.NextPageUrl {
		t.Fatalf("url %s, want the next_page_url that led here %s", p1.Meta.Url, *p0.Meta.NextPageUrl)
	}
}

func TestListPageWithoutTokenCountsFromStart(t *testing.T) {
	s := testkit.NewStubWith(t, testkit.ManyWorld(10), nil)
	page := s.Request(http.MethodGet, testkit.UserPath("many")+"?PageSize=3&Page=2", nil).Page(t)
	if len(page.Conversations) != 3 || *page.Conversations[0].ConversationSid != testkit.SID("CH", 0x10000+6) || page.Meta.Page != 2 {
		t.Fatalf("Page=2 PageSize=3: %d items from %s", len(page.Conversations), *page.Conversations[0].ConversationSid)
	}
	past := s.Request(http.MethodGet, testkit.UserPath("many")+"?PageSize=3&Page=9", nil).Page(t)
	if len(past.Conversations) != 0 || past.Meta.NextPageUrl != nil {
		t.Fatalf("page past the end: %+v", past.Meta)
	}
}

func TestListDeleteBetweenPagesSkipsNothing(t *testing.T) {
	s := testkit.NewStubWith(t, testkit.ManyWorld(9), nil)
	p0 := s.Request(http.MethodGet, testkit.UserPath("many")+"?PageSize=3", nil).Page(t)
	// Remove the last item of the page just read and the first of the next.
	for _, i := range []int{2, 3} {
		if r := s.Request(http.MethodDelete, testkit.UCPath("many", testkit.SID("CH", 0x10000+i)), nil); r.Status != http.StatusNoContent {
			t.Fatalf("delete: %d", r.Status)
		}
	}
	p1 := s.Request(http.MethodGet, s.PathOf(t, *p0.Meta.NextPageUrl), nil).Page(t)
	var got []string
	for _, item := range p1.Conversations {
		got = append(got, *item.ConversationSid)
	}
	want := []string{testkit.SID("CH", 0x10000+4), testkit.SID("CH", 0x10000+5), testkit.SID("CH", 0x10000+6)}
	if !slices.Equal(got, want) {
		t.Fatalf("page after deletes = %v, want %v", got, want)
	}
}

func TestListRefusesBadPageTokens(t *testing.T) {
	s := testkit.NewStubWith(t, testkit.ManyWorld(4), nil)
	page := s.Request(http.MethodGet, testkit.UserPath("many")+"?PageSize=1", nil).Page(t)
	token, _ := url.Parse(*page.Meta.NextPageUrl)
	good := token.Query().Get("PageToken")
	otherUserToken := func() string {
		p := s.Request(http.MethodGet, testkit.UserPath("alice")+"?PageSize=1", nil).Page(t)
		u, _ := url.Parse(*p.Meta.NextPageUrl)
		return u.Query().Get("PageToken")
	}()
	flipped := []byte(good)
	flipped[len(flipped)-3] ^= 1

	tests := []struct{ name, path string }{
		{"garbage", testkit.UserPath("many") + "?PageToken=hello"},
		{"truncated", testkit.UserPath("many") + "?PageToken=" + good[:len(good)-4]},
		{"one character changed", testkit.UserPath("many") + "?PageToken=" + string(flipped)},
		{"another user's token", testkit.UserPath("many") + "?PageToken=" + otherUserToken},
		{"another service's path", testkit.InService(testkit.ServiceA, testkit.UserPath("many")) + "?PageToken=" + good},
		{"empty prefix", testkit.UserPath("many") + "?PageToken=PT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg := s.Request(http.MethodGet, tt.path, nil).TwilioError(t, http.StatusBadRequest, twilioerr.CodeInvalidParameter)
			if !strings.Contains(msg, "PageToken") {
				t.Fatalf("message %q does not name PageToken", msg)
			}
		})
	}
	// Account B cannot use account A's token, even on its own user.
	r := s.Request(http.MethodGet, testkit.UserPath("alice")+"?PageToken="+good, nil, testkit.AccountB, testkit.TokenB)
	r.TwilioError(t, http.StatusBadRequest, twilioerr.CodeInvalidParameter)
}

func TestListPageCostDoesNotGrowWithPosition(t *testing.T) {
	// Positions, not offsets: the token of the last page names a
	// conversation, so it still works after everything before it is gone.
	s := testkit.NewStubWith(t, testkit.ManyWorld(6), nil)
	p := s.Request(http.MethodGet, testkit.UserPath("many")+"?PageSize=2&Page=1", nil).Page(t)
	for i := range 4 {
		s.Request(http.MethodDelete, testkit.UCPath("many", testkit.SID("CH", 0x10000+i)), nil)
	}
	last := s.Request(http.MethodGet, s.PathOf(t, *p.Meta.NextPageUrl), nil).Page(t)
	if len(last.Conversations) != 2 || *last.Conversations[0].ConversationSid != testkit.SID("CH", 0x10004) {
		t.Fatalf("token after deletes gave %d items", len(last.Conversations))
	}
	if last.Meta.PreviousPageUrl != nil {
		t.Fatalf("nothing precedes this page any more, yet previous_page_url = %s", *last.Meta.PreviousPageUrl)
	}
}

// URLs in a page's meta are written as Twilio writes them (seed 001's list
// example): a raw '&', not encoding/json's \u0026, in the compact and the
// ?pretty body alike.
func TestListWritesRawAmpersands(t *testing.T) {
	s := testkit.NewStub(t)
	for _, query := range []string{"?PageSize=2", "?PageSize=2&pretty"} {
		body := string(s.Request(http.MethodGet, testkit.UserPath("alice")+query, nil).Body)
		if !strings.Contains(body, "PageSize=2&Page=0") || strings.Contains(body, `\u0026`) {
			t.Errorf("%s: %s", query, body)
		}
	}
}

// A page past the end of the list is empty, and its previous page is the
// list's last one.
func TestEmptyPagePastTheEndLeadsBackToTheLastPage(t *testing.T) {
	s := testkit.NewStubWith(t, testkit.ManyWorld(23), nil)
	past := s.Request(http.MethodGet, testkit.UserPath("many")+"?PageSize=5&Page=100", nil).Page(t)
	if len(past.Conversations) != 0 || past.Meta.NextPageUrl != nil || past.Meta.PreviousPageUrl == nil {
		t.Fatalf("page 100: %d items, next %v, previous %v", len(past.Conversations), past.Meta.NextPageUrl, past.Meta.PreviousPageUrl)
	}
	last := s.Request(http.MethodGet, s.PathOf(t, *past.Meta.PreviousPageUrl), nil).Page(t)
	var got []string
	for _, c := range last.Conversations {
		got = append(got, *c.ConversationSid)
	}
	var want []string
	for i := 18; i < 23; i++ {
		want = append(want, testkit.SID("CH", 0x10000+i))
	}
	if !slices.Equal(got, want) || last.Meta.NextPageUrl != nil {
		t.Fatalf("the previous page of page 100: %v (next %v), want the last five, %v", got, last.Meta.NextPageUrl, want)
	}
}
