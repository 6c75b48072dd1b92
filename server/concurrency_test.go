package server_test

import (
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/twilio-stubs/userconversations/gen/conversations"
	"github.com/twilio-stubs/userconversations/server/internal/testkit"
	"github.com/twilio-stubs/userconversations/server/store"
)

// concurrentWorld is testkit.ManyWorld(n) with a read horizon on the even
// conversations, so "the initial value" is a value too.
func concurrentWorld(n int) store.World {
	w := testkit.ManyWorld(n)
	convs := w.Accounts[0].Services[0].Conversations
	for i := range convs[len(convs)-n:] {
		c := &convs[len(convs)-n+i]
		if i%2 == 0 {
			c.Participants[0].LastReadMessageIndex = new(initialIndex(i))
		}
	}
	return w
}

func initialIndex(k int) int { return 9_000_000 + k }

// opHistory is what the workers did, as far as the final state can tell.
type opHistory struct {
	mu            sync.Mutex
	written       []map[int]bool // conversation -> read indexes sent to it
	deleteStarted []bool         // a delete of the conversation was sent
	deleted       []bool         // a delete of the conversation answered 204
	wins          []int          // how many deletes answered 204
}

func (h *opHistory) wrote(k, index int) {
	h.mu.Lock()
	h.written[k][index] = true
	h.mu.Unlock()
}

// possible reports whether index (nil: none) is one the conversation can
// show: its initial value or one that was sent to it.
func (h *opHistory) possible(k int, index *int) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if index == nil {
		return k%2 == 1
	}
	return *index == initialIndex(k) && k%2 == 0 || h.written[k][*index]
}

func (h *opHistory) started(k int) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.deleteStarted[k]
}

// TestConcurrentUpdatesListsDeletes has many workers update, fetch, list
// (following next_page_url to the end) and delete one user's conversations
// at once, through the whole HTTP stack. Run with -race. Every testkit.Response is
// checked as it comes, and the final state against what was sent.
func TestConcurrentUpdatesListsDeletes(t *testing.T) {
	const (
		convs     = 24
		keep      = 16 // conversations 0..keep-1 are never deleted
		workers   = 16
		perWorker = 200
	)
	ops := perWorker
	if testing.Short() {
		ops = 50
	}
	s := testkit.NewStubWith(t, concurrentWorld(convs), nil)
	transport := &http.Transport{MaxIdleConnsPerHost: workers, MaxConnsPerHost: workers}
	t.Cleanup(transport.CloseIdleConnections)
	client := &http.Client{Transport: transport}
	convSID := func(k int) string { return testkit.SID("CH", 0x10000+k) }
	convIndex := make(map[string]int, convs)
	for k := range convs {
		convIndex[convSID(k)] = k
	}
	user := testkit.SID("US", 0x4d)

	h := &opHistory{
		written:       make([]map[int]bool, convs),
		deleteStarted: make([]bool, convs),
		deleted:       make([]bool, convs),
		wins:          make([]int, convs),
	}
	for k := range convs {
		h.written[k] = map[int]bool{}
	}

	do := func(method, path string, form url.Values) (int, []byte, error) {
		var body io.Reader
		if form != nil {
			body = strings.NewReader(form.Encode())
		}
		req, err := http.NewRequest(method, s.URL+path, body)
		if err != nil {
			return 0, nil, err
		}
		req.SetBasicAuth(testkit.KeyA, testkit.SecretA)
		if form != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		resp, err := client.Do(req)
		if err != nil {
			return 0, nil, err
		}
		defer resp.Body.Close()
		data, err := io.ReadAll(resp.Body)
		return resp.StatusCode, data, err
	}

	// checkItem checks one user conversation as any testkit.Response shows it.
	checkItem := func(uc conversations.UserConversation) error {
		k, ok := convIndex[*uc.ConversationSid]
		if !ok || *uc.UserSid != user || *uc.AccountSid != testkit.AccountA {
			return fmt.Errorf("foreign item %s of %s", *uc.ConversationSid, *uc.UserSid)
		}
		if !h.possible(k, uc.LastReadMessageIndex) {
			return fmt.Errorf("conversation %d shows index %v, which nobody wrote", k, testkit.Deref(uc.LastReadMessageIndex))
		}
		if uc.LastReadMessageIndex != nil {
			want := min(max(k%7-1-*uc.LastReadMessageIndex, 0), store.MaxUnreadMessagesCount)
			if uc.UnreadMessagesCount == nil || *uc.UnreadMessagesCount != want {
				return fmt.Errorf("conversation %d: unread %v with index %d", k, testkit.Deref(uc.UnreadMessagesCount), *uc.LastReadMessageIndex)
			}
		}
		return nil
	}

	update := func(w, i int, rng *rand.Rand) error {
		k := rng.IntN(convs)
		index := w*100_000 + i + 1
		level := []string{"default", "muted"}[i%2]
		h.wrote(k, index)
		status, body, err := do(http.MethodPost, testkit.UCPath("many", convSID(k)),
			url.Values{"LastReadMessageIndex": {fmt.Sprint(index)}, "NotificationLevel": {level}})
		switch {
		case err != nil:
			return err
		case status == http.StatusNotFound && h.started(k):
			return nil
		case status != http.StatusOK:
			return fmt.Errorf("update %d: %d %s", k, status, body)
		}
		var uc conversations.UserConversation
		if err := json.Unmarshal(body, &uc); err != nil {
			return err
		}
		if uc.LastReadMessageIndex == nil || *uc.LastReadMessageIndex != index || string(uc.NotificationLevel) != level {
			return fmt.Errorf("update %d sent %d %s, answered %v %s", k, index, level, testkit.Deref(uc.LastReadMessageIndex), uc.NotificationLevel)
		}
		return checkItem(uc)
	}

	fetch := func(rng *rand.Rand) error {
		k := rng.IntN(convs)
		status, body, err := do(http.MethodGet, testkit.UCPath("many", convSID(k)), nil)
		switch {
		case err != nil:
			return err
		case status == http.StatusNotFound && h.started(k):
			return nil
		case status != http.StatusOK:
			return fmt.Errorf("fetch %d: %d %s", k, status, body)
		}
		var uc conversations.UserConversation
		if err := json.Unmarshal(body, &uc); err != nil {
			return err
		}
		return checkItem(uc)
	}

	// walk reads the whole list, page by page. Items are strictly in order
	// across pages; none deleted before the walk began shows up; none never
	// deleted is missed.
	walk := func(rng *rand.Rand) error {
		h.mu.Lock()
		goneBefore := append([]bool(nil), h.deleted...)
		h.mu.Unlock()
		seen := make([]bool, convs)
		var last *store.Position
		next := fmt.Sprintf("%s?PageSize=%d", testkit.UserPath("many"), 2+rng.IntN(11))
		for pages := 0; next != ""; pages++ {
			if pages > convs {
				return fmt.Errorf("paging does not end")
			}
			status, body, err := do(http.MethodGet, next, nil)
			if err != nil {
				return err
			}
			if status != http.StatusOK {
				return fmt.Errorf("list %s: %d %s", next, status, body)
			}
			var page conversations.UserConversationPage
			if err := json.Unmarshal(body, &page); err != nil {
				return err
			}
			if len(page.Conversations) > page.Meta.PageSize {
				return fmt.Errorf("%d items on a page of %d", len(page.Conversations), page.Meta.PageSize)
			}
			for _, item := range page.Conversations {
				pos := positionOf(item)
				if last != nil && !last.Before(pos) {
					return fmt.Errorf("%s after %s: out of order or repeated", pos.ConversationSID, last.ConversationSID)
				}
				last = &pos
				if err := checkItem(item); err != nil {
					return err
				}
				k := convIndex[*item.ConversationSid]
				if goneBefore[k] {
					return fmt.Errorf("conversation %d listed after its delete answered 204", k)
				}
				seen[k] = true
			}
			next = ""
			if page.Meta.NextPageUrl != nil {
				next = strings.TrimPrefix(*page.Meta.NextPageUrl, s.URL)
			}
		}
		for k := range keep {
			if !seen[k] {
				return fmt.Errorf("a walk of the list missed conversation %d, which nobody deletes", k)
			}
		}
		return nil
	}

	// remove deletes one of the deletable conversations; the j-th becomes
	// deletable j/(convs-keep) of the way through, so that deletes race
	// with the other operations all along, not only at the start.
	remove := func(i int, rng *rand.Rand) error {
		j := rng.IntN(convs - keep)
		if i < j*ops/(convs-keep) {
			return fetch(rng)
		}
		k := keep + j
		h.mu.Lock()
		h.deleteStarted[k] = true
		h.mu.Unlock()
		status, body, err := do(http.MethodDelete, testkit.UCPath("many", convSID(k)), nil)
		switch {
		case err != nil:
			return err
		case status == http.StatusNoContent:
			h.mu.Lock()
			h.deleted[k] = true
			h.wins[k]++
			h.mu.Unlock()
		case status != http.StatusNotFound:
			return fmt.Errorf("delete %d: %d %s", k, status, body)
		}
		return nil
	}

	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(w), 0x5eed))
			for i := range ops {
				var err error
				switch r := rng.IntN(100); {
				case r < 45:
					err = update(w, i, rng)
				case r < 65:
					err = fetch(rng)
				case r < 85:
					err = walk(rng)
				default:
					err = remove(i, rng)
				}
				if err != nil {
					t.Errorf("worker %d, op %d: %v", w, i, err)
					return
				}
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		return
	}

	// The final state: each conversation shows a value someone wrote (or
	// its initial one); the deleted ones are gone everywhere, exactly once.
	world := s.Snapshot(t)
	remaining := map[string]store.Participant{}
	for _, c := range world.Accounts[0].Services[0].Conversations {
		for _, p := range c.Participants {
			if p.UserSID == user {
				remaining[c.SID] = p
			}
		}
	}
	final := s.Request(http.MethodGet, testkit.UserPath("many")+"?PageSize=1000", nil).Page(t)
	listed := map[string]bool{}
	for _, item := range final.Conversations {
		listed[*item.ConversationSid] = true
		if err := checkItem(item); err != nil {
			t.Error(err)
		}
	}
	for k := range convs {
		p, stored := remaining[convSID(k)]
		switch {
		case h.wins[k] > 1:
			t.Errorf("conversation %d deleted %d times", k, h.wins[k])
		case h.deleteStarted[k] != (h.wins[k] == 1):
			t.Errorf("conversation %d: delete sent %v, answered 204 %d times", k, h.deleteStarted[k], h.wins[k])
		case h.deleted[k] && (stored || listed[convSID(k)]):
			t.Errorf("deleted conversation %d is still stored (%v) or listed (%v)", k, stored, listed[convSID(k)])
		case h.deleted[k]:
			for _, method := range []string{http.MethodGet, http.MethodPost, http.MethodDelete} {
				s.Request(method, testkit.UCPath("many", convSID(k)), url.Values{}).TwilioError(t, http.StatusNotFound, 20404)
			}
		case !stored || !listed[convSID(k)]:
			t.Errorf("conversation %d vanished without a delete", k)
		case !h.possible(k, p.LastReadMessageIndex):
			t.Errorf("conversation %d ends with index %v, which nobody wrote", k, testkit.Deref(p.LastReadMessageIndex))
		}
	}
	if len(final.Conversations) != len(remaining) {
		t.Errorf("list has %d items, the store %d", len(final.Conversations), len(remaining))
	}
}
