package client

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// pager is a fake Twilio listing total conversations, CH0000... upwards.
// Its next_page_url is absolute and carries an extra parameter, odd
// escaping included, so that tests can tell it is followed exactly.
type pager struct {
	*fakeServer
	total int
	// special answers the requests whose numbers it holds instead.
	special map[int]func(http.ResponseWriter)

	mu   sync.Mutex
	next []string // every next_page_url handed out, in order
}

func newPager(t *testing.T, total int, special map[int]func(http.ResponseWriter)) *pager {
	p := &pager{total: total, special: special}
	p.fakeServer = newFakeServer(t, p.answer)
	return p
}

func sidOf(i int) string { return fmt.Sprintf("CH%032d", i) }

func (p *pager) answer(w http.ResponseWriter, r *http.Request, n int) {
	if answer, ok := p.special[n]; ok {
		answer(w)
		return
	}
	q := r.URL.Query()
	size := 50
	if s := q.Get("PageSize"); s != "" {
		size, _ = strconv.Atoi(s)
	}
	offset, _ := strconv.Atoi(strings.TrimPrefix(q.Get("PageToken"), "PT"))
	end := min(offset+size, p.total)
	convs := []any{}
	for i := offset; i < end; i++ {
		convs = append(convs, testConversation(sidOf(i)))
	}
	var next any // JSON null on the last page
	if end < p.total {
		u := fmt.Sprintf("%s%s?PageSize=%d&Page=%d&PageToken=PT%d&Odd=a%%2Fb%%20c", p.URL, r.URL.Path, size, offset/size+1, end)
		p.mu.Lock()
		p.next = append(p.next, u)
		p.mu.Unlock()
		next = u
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"conversations": convs,
		"meta":          map[string]any{"page": offset / size, "page_size": size, "next_page_url": next, "key": "conversations"},
	})
}

func (p *pager) nextURLs() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.next...)
}

func TestListFollowsNextPageURL(t *testing.T) {
	tests := []struct {
		name      string
		total     int
		params    ListParams
		wantItems int
		wantSize  string // PageSize of the first request
		wantPages int
	}{
		{"everything, default size", 120, ListParams{}, 120, "50", 3},
		{"everything, own size", 120, ListParams{PageSize: 40}, 120, "40", 3},
		{"limit inside the second page", 120, ListParams{PageSize: 50, Limit: 60}, 60, "50", 2},
		{"limit at a page end fetches no further page", 120, ListParams{PageSize: 50, Limit: 50}, 50, "50", 1},
		{"limit below the default size shrinks the page", 120, ListParams{Limit: 10}, 10, "10", 1},
		{"limit below the page size shrinks the page", 120, ListParams{PageSize: 100, Limit: 30}, 30, "30", 1},
		{"limit above the total", 120, ListParams{PageSize: 100, Limit: 500}, 120, "100", 2},
		{"empty list", 0, ListParams{}, 0, "50", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newPager(t, tt.total, nil)
			c, _ := newTestClient(t, p.URL)

			var got []string
			for conv, err := range c.User("alice").List(t.Context(), tt.params) {
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, *conv.ConversationSid)
			}

			if len(got) != tt.wantItems {
				t.Fatalf("listed %d conversations, want %d", len(got), tt.wantItems)
			}
			for i, sid := range got {
				if sid != sidOf(i) {
					t.Fatalf("conversation %d is %s, want %s", i, sid, sidOf(i))
				}
			}
			reqs := p.requests()
			if len(reqs) != tt.wantPages {
				t.Fatalf("fetched %d pages, want %d", len(reqs), tt.wantPages)
			}
			if want := "/v1/Users/alice/Conversations?PageSize=" + tt.wantSize; reqs[0].URI != want {
				t.Errorf("first page from %s, want %s", reqs[0].URI, want)
			}
			next := p.nextURLs()
			for i, r := range reqs[1:] {
				u, _ := url.Parse(next[i])
				if r.URI != u.RequestURI() {
					t.Errorf("page %d from %s, want next_page_url %s", i+2, r.URI, next[i])
				}
				if r.User != testAccount || r.Password != testToken || !strings.HasPrefix(r.UserAgent, "userconversations-go/") {
					t.Errorf("page %d sent without credentials or user agent: %+v", i+2, r)
				}
			}
		})
	}
}

func TestListStopsWhenTheLoopBreaks(t *testing.T) {
	p := newPager(t, 120, nil)
	c, _ := newTestClient(t, p.URL)
	n := 0
	for _, err := range c.User("alice").List(t.Context(), ListParams{}) {
		if err != nil {
			t.Fatal(err)
		}
		if n++; n == 50 {
			break
		}
	}
	if got := len(p.requests()); got != 1 {
		t.Errorf("fetched %d pages, want 1", got)
	}
}

func TestListYieldsAnErrorAndStops(t *testing.T) {
	p := newPager(t, 120, map[int]func(http.ResponseWriter){2: status(http.StatusInternalServerError)})
	c, _ := newTestClient(t, p.URL)

	items, errs := 0, 0
	for _, err := range c.User("alice").List(t.Context(), ListParams{}) {
		if err != nil {
			errs++
			if StatusCode(err) != http.StatusInternalServerError {
				t.Errorf("error %v, want a 500 *Error", err)
			}
			continue
		}
		items++
	}
	if items != 50 || errs != 1 {
		t.Errorf("got %d conversations and %d errors, want 50 and 1", items, errs)
	}
	if got := len(p.requests()); got != 2 {
		t.Errorf("fetched %d pages, want 2", got)
	}
}

func TestListRefusesARelativeNextPageURL(t *testing.T) {
	srv := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		writeJSON(w, http.StatusOK, map[string]any{
			"conversations": []any{testConversation(sidOf(0))},
			"meta":          map[string]any{"page": 0, "page_size": 1, "next_page_url": "/v1/Users/alice/Conversations?PageToken=PT1", "key": "conversations"},
		})
	})
	c, _ := newTestClient(t, srv.URL)
	var last error
	for _, err := range c.User("alice").List(t.Context(), ListParams{}) {
		last = err
	}
	if last == nil || !strings.Contains(last.Error(), "not an absolute URL") {
		t.Errorf("last error %v, want one about the relative next_page_url", last)
	}
	if got := len(srv.requests()); got != 1 {
		t.Errorf("sent %d requests, want 1", got)
	}
}

func TestPageReturnsTheNextToken(t *testing.T) {
	p := newPager(t, 5, nil)
	c, _ := newTestClient(t, p.URL)
	u := c.Service(testService).User("alice")

	var sids []string
	token, pages := "", 0
	for {
		page, next, err := u.Page(t.Context(), PageParams{PageSize: 2, PageToken: token})
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, conv := range page.Conversations {
			sids = append(sids, *conv.ConversationSid)
		}
		if next == "" {
			break
		}
		if want := fmt.Sprintf("PT%d", len(sids)); next != want {
			t.Fatalf("next token %q, want %q", next, want)
		}
		token = next
	}
	if pages != 3 || len(sids) != 5 || sids[4] != sidOf(4) {
		t.Errorf("read %d pages holding %v, want 3 pages with 5 conversations", pages, sids)
	}
	if got, want := p.requests()[2].URI, "/v1/Services/"+testService+"/Users/alice/Conversations?PageSize=2&PageToken=PT4"; got != want {
		t.Errorf("third page from %s, want %s", got, want)
	}
}

func TestPageWithoutTokenInNextPageURL(t *testing.T) {
	srv := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		writeJSON(w, http.StatusOK, map[string]any{
			"conversations": []any{},
			"meta":          map[string]any{"page": 0, "page_size": 50, "next_page_url": "https://example.com/v1/Users/alice/Conversations?Page=1", "key": "conversations"},
		})
	})
	c, _ := newTestClient(t, srv.URL)
	if _, _, err := c.User("alice").Page(t.Context(), PageParams{}); err == nil || !strings.Contains(err.Error(), "no PageToken") {
		t.Errorf("error %v, want one about the missing PageToken", err)
	}
}
