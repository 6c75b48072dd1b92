package server_test

// A model-based test: random sequences of operations, at the stub over
// HTTP and at a reference model (a store.World changed by plain code), with
// the two compared after every step. The model is the simplest statement
// of what the stub must do; the stub is the fast, validated, paged one.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/twilio-stubs/userconversations/gen/conversations"
	"github.com/twilio-stubs/userconversations/server/fixtures"
	"github.com/twilio-stubs/userconversations/server/store"
	"github.com/twilio-stubs/userconversations/server/stubtest"
)

// The run's size: MODEL_SEQUENCES sequences of MODEL_STEPS steps, from
// MODEL_SEED (make fuzz runs a long one).
func modelRunSize(t *testing.T) (seed uint64, sequences, steps int) {
	seed, sequences, steps = 1, 12, 25
	for name, v := range map[string]any{"MODEL_SEED": &seed, "MODEL_SEQUENCES": &sequences, "MODEL_STEPS": &steps} {
		raw := os.Getenv(name)
		if raw == "" {
			continue
		}
		n, err := strconv.ParseUint(raw, 10, 64)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		switch p := v.(type) {
		case *uint64:
			*p = n
		case *int:
			*p = int(n)
		}
	}
	return seed, sequences, steps
}

const modelAdminToken = "model-admin-token"

func TestModel(t *testing.T) {
	seed, sequences, steps := modelRunSize(t)
	total := 0
	for i := range sequences {
		seq := seed + uint64(i)
		t.Run(fmt.Sprintf("seed %d", seq), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seq, seq))
			initial := modelWorld(rng)
			stub := stubtest.New(t, stubtest.WithStoreWorld(initial), stubtest.WithAdminToken(modelAdminToken))
			m := &modelRun{t: t, rng: rng, stub: stub, world: initial.Clone(), initial: initial}
			for step := range steps {
				m.step = step
				m.randomStep()
				m.check()
				total++
			}
		})
	}
	t.Logf("%d sequences, %d steps (seed %d)", sequences, total, seed)
}

// modelWorld is a small random world: account A with one service of a few
// users and conversations, each user in some of them, and account B.
func modelWorld(rng *rand.Rand) store.World {
	sid := func(prefix string, n int) string { return fmt.Sprintf("%s%032x", prefix, n) }
	epoch := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	svc := store.Service{SID: sid("IS", 1)}
	for u := range 2 + rng.IntN(3) {
		svc.Users = append(svc.Users, store.User{SID: sid("US", u+1), Identity: fmt.Sprintf("user-%d", u)})
	}
	for c := range 3 + rng.IntN(6) {
		// A few share a date_created: the list orders them by SID.
		created := epoch.Add(time.Duration(rng.IntN(4)) * time.Hour)
		conv := store.Conversation{
			SID: sid("CH", 0x100+c), State: store.StateActive, Attributes: "{}",
			DateCreated: created, DateUpdated: created, MessageCount: []int{0, 1, 7, 1500}[rng.IntN(4)],
		}
		if rng.IntN(2) == 0 {
			conv.UniqueName = new(fmt.Sprintf("conv-%d", c))
		}
		for u, user := range svc.Users {
			if rng.IntN(3) == 0 {
				continue
			}
			p := store.Participant{SID: sid("MB", 0x1000+c*16+u), UserSID: user.SID, NotificationLevel: store.NotificationLevelDefault, DateUpdated: created}
			if rng.IntN(2) == 0 {
				p.LastReadMessageIndex = new(rng.IntN(conv.MessageCount + 2))
			}
			conv.Participants = append(conv.Participants, p)
		}
		svc.Conversations = append(svc.Conversations, conv)
	}
	return store.World{Accounts: []store.Account{
		{SID: sid("AC", 0xa), AuthToken: "modelTokenA", Services: []store.Service{svc}},
		{SID: sid("AC", 0xb), AuthToken: "modelTokenB", Services: []store.Service{{SID: sid("IS", 2), Users: []store.User{{SID: sid("US", 0xb), Identity: "user-0"}}}}},
	}}
}

type modelRun struct {
	t       *testing.T
	rng     *rand.Rand
	stub    *stubtest.Stub
	world   store.World // the model
	initial store.World // what POST /_stub/reset returns to
	step    int
}

func (m *modelRun) fatalf(format string, args ...any) {
	m.t.Helper()
	m.t.Fatalf("step %d: "+format, append([]any{m.step}, args...)...)
}

func (m *modelRun) service() *store.Service { return &m.world.Accounts[0].Services[0] }

// A user and a conversation, as a request names them: by SID or by name.
func (m *modelRun) pickUser() (ref, sid string) {
	users := m.service().Users
	u := users[m.rng.IntN(len(users))]
	if m.rng.IntN(2) == 0 {
		return u.Identity, u.SID
	}
	return u.SID, u.SID
}

func (m *modelRun) pickConversation() (ref, sid string) {
	convs := m.service().Conversations
	c := convs[m.rng.IntN(len(convs))]
	if c.UniqueName != nil && m.rng.IntN(2) == 0 {
		return *c.UniqueName, c.SID
	}
	return c.SID, c.SID
}

// participation finds the model's participant of user in conversation.
func (m *modelRun) participation(userSID, convSID string) (*store.Conversation, *store.Participant) {
	for i := range m.service().Conversations {
		c := &m.service().Conversations[i]
		if c.SID != convSID {
			continue
		}
		for j := range c.Participants {
			if c.Participants[j].UserSID == userSID {
				return c, &c.Participants[j]
			}
		}
	}
	return nil, nil
}

func (m *modelRun) randomStep() {
	switch n := m.rng.IntN(100); {
	case n < 30:
		m.update()
	case n < 40:
		m.clearIndex()
	case n < 55:
		m.fetch()
	case n < 62:
		m.remove()
	case n < 80:
		m.walkList()
	case n < 86:
		m.merge()
	case n < 90:
		m.reset()
	case n < 94:
		m.importWorld()
	default:
		m.fault()
	}
}

// twilio sends a Twilio API request as account A.
func (m *modelRun) twilio(method, path string, form url.Values) (int, []byte) {
	m.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, m.stub.URL+path, body)
	if err != nil {
		m.fatalf("%v", err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.SetBasicAuth(m.world.Accounts[0].SID, m.world.Accounts[0].AuthToken)
	return m.do(req)
}

func (m *modelRun) admin(method, path, contentType string, body []byte) (int, []byte) {
	m.t.Helper()
	req, err := http.NewRequest(method, m.stub.URL+path, bytes.NewReader(body))
	if err != nil {
		m.fatalf("%v", err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Authorization", "Bearer "+modelAdminToken)
	return m.do(req)
}

func (m *modelRun) do(req *http.Request) (int, []byte) {
	m.t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		m.fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		m.fatalf("%v", err)
	}
	return resp.StatusCode, data
}

func ucPath(user, conv string) string {
	return "/v1/Users/" + url.PathEscape(user) + "/Conversations/" + url.PathEscape(conv)
}

// expectView checks an answer about user's conversation against the model.
func (m *modelRun) expectView(what string, status int, body []byte, userSID, convSID string) {
	m.t.Helper()
	c, p := m.participation(userSID, convSID)
	if p == nil {
		if status != http.StatusNotFound {
			m.fatalf("%s: %d %s, the model has no such participation (404)", what, status, body)
		}
		return
	}
	if status != http.StatusOK {
		m.fatalf("%s: %d %s, want 200", what, status, body)
	}
	var uc conversations.UserConversation
	if err := json.Unmarshal(body, &uc); err != nil {
		m.fatalf("%s: %v", what, err)
	}
	m.sameView(what, uc, c, p)
}

func (m *modelRun) sameView(what string, uc conversations.UserConversation, c *store.Conversation, p *store.Participant) {
	m.t.Helper()
	wantUnread := func() *int {
		if p.LastReadMessageIndex == nil {
			return nil
		}
		return new(min(max(c.MessageCount-1-*p.LastReadMessageIndex, 0), store.MaxUnreadMessagesCount))
	}()
	switch {
	case *uc.ConversationSid != c.SID || *uc.UserSid != p.UserSID:
		m.fatalf("%s: conversation %s user %s, want %s %s", what, *uc.ConversationSid, *uc.UserSid, c.SID, p.UserSID)
	case string(uc.NotificationLevel) != p.NotificationLevel:
		m.fatalf("%s: level %s, want %s", what, uc.NotificationLevel, p.NotificationLevel)
	case !equalPtr(uc.LastReadMessageIndex, p.LastReadMessageIndex):
		m.fatalf("%s: index %v, want %v", what, show(uc.LastReadMessageIndex), show(p.LastReadMessageIndex))
	case !equalPtr(uc.UnreadMessagesCount, wantUnread):
		m.fatalf("%s: unread %v, want %v (messages %d, index %v)", what, show(uc.UnreadMessagesCount), show(wantUnread), c.MessageCount, show(p.LastReadMessageIndex))
	}
}

func equalPtr(a, b *int) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

func show(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}

func (m *modelRun) update() {
	userRef, userSID := m.pickUser()
	convRef, convSID := m.pickConversation()
	form := url.Values{}
	level := []string{store.NotificationLevelDefault, store.NotificationLevelMuted}[m.rng.IntN(2)]
	var index *int
	if m.rng.IntN(3) > 0 {
		form.Set("NotificationLevel", level)
	}
	if m.rng.IntN(3) > 0 {
		index = new(m.rng.IntN(1600))
		form.Set("LastReadMessageIndex", strconv.Itoa(*index))
	}
	at := time.Date(2024, 6, 1, 0, 0, m.rng.IntN(86400), 0, time.UTC)
	if m.rng.IntN(3) == 0 {
		form.Set("LastReadTimestamp", at.Format(time.RFC3339))
	}
	status, body := m.twilio(http.MethodPost, ucPath(userRef, convRef), form)
	if _, p := m.participation(userSID, convSID); p != nil {
		if form.Has("NotificationLevel") {
			p.NotificationLevel = level
		}
		if index != nil {
			p.LastReadMessageIndex = index
		}
		if form.Has("LastReadTimestamp") {
			p.LastReadTimestamp = &at
		}
	}
	m.expectView("update "+form.Encode(), status, body, userSID, convSID)
}

func (m *modelRun) clearIndex() {
	userRef, userSID := m.pickUser()
	convRef, convSID := m.pickConversation()
	status, body := m.twilio(http.MethodPost, ucPath(userRef, convRef), url.Values{"LastReadMessageIndex": {""}})
	if _, p := m.participation(userSID, convSID); p != nil {
		p.LastReadMessageIndex = nil
	}
	m.expectView("clear", status, body, userSID, convSID)
}

func (m *modelRun) fetch() {
	userRef, userSID := m.pickUser()
	convRef, convSID := m.pickConversation()
	status, body := m.twilio(http.MethodGet, ucPath(userRef, convRef), nil)
	m.expectView("fetch", status, body, userSID, convSID)
}

func (m *modelRun) remove() {
	userRef, userSID := m.pickUser()
	convRef, convSID := m.pickConversation()
	status, body := m.twilio(http.MethodDelete, ucPath(userRef, convRef), nil)
	c, p := m.participation(userSID, convSID)
	switch {
	case p == nil && status != http.StatusNotFound:
		m.fatalf("delete %s %s: %d %s, want 404", userRef, convRef, status, body)
	case p != nil && status != http.StatusNoContent:
		m.fatalf("delete %s %s: %d %s, want 204", userRef, convRef, status, body)
	case p != nil:
		c.Participants = slices.DeleteFunc(c.Participants, func(q store.Participant) bool { return q.UserSID == userSID })
	}
}

// walkList follows a user's list page by page and checks that it holds
// every conversation of the user once, in order.
func (m *modelRun) walkList() {
	userRef, userSID := m.pickUser()
	var want []string
	type item struct {
		c *store.Conversation
		p *store.Participant
	}
	byConv := map[string]item{}
	convs := m.service().Conversations
	order := make([]int, len(convs))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		pa, pb := store.Position{DateCreated: convs[a].DateCreated, ConversationSID: convs[a].SID}, store.Position{DateCreated: convs[b].DateCreated, ConversationSID: convs[b].SID}
		switch {
		case pa.Before(pb):
			return -1
		case pb.Before(pa):
			return 1
		}
		return 0
	})
	for _, i := range order {
		if c, p := m.participation(userSID, convs[i].SID); p != nil {
			want = append(want, c.SID)
			byConv[c.SID] = item{c, p}
		}
	}
	size := 1 + m.rng.IntN(4)
	next := "/v1/Users/" + url.PathEscape(userRef) + "/Conversations?PageSize=" + strconv.Itoa(size)
	var got []string
	for pages := 0; next != ""; pages++ {
		if pages > len(want)+1 {
			m.fatalf("list of %s: more pages than items", userRef)
		}
		status, body := m.twilio(http.MethodGet, next, nil)
		if status != http.StatusOK {
			m.fatalf("list %s: %d %s", next, status, body)
		}
		var page conversations.UserConversationPage
		if err := json.Unmarshal(body, &page); err != nil {
			m.fatalf("%v", err)
		}
		for _, uc := range page.Conversations {
			got = append(got, *uc.ConversationSid)
			if it, ok := byConv[*uc.ConversationSid]; ok {
				m.sameView("list item", uc, it.c, it.p)
			}
		}
		next = ""
		if page.Meta.NextPageUrl != nil {
			next = strings.TrimPrefix(*page.Meta.NextPageUrl, m.stub.URL)
		}
	}
	if !slices.Equal(got, want) {
		m.fatalf("list of %s at PageSize %d: %v, want %v", userRef, size, got, want)
	}
}

// merge replaces account A, whole, with the model's account A changed a
// little: a level flipped, and one more user.
func (m *modelRun) merge() {
	account := m.world.Clone().Accounts[0]
	svc := &account.Services[0]
	svc.Users = append(svc.Users, store.User{SID: fmt.Sprintf("US%032x", 0x100+m.step), Identity: fmt.Sprintf("merged-%d", m.step)})
	for i := range svc.Conversations {
		for j := range svc.Conversations[i].Participants {
			if m.rng.IntN(4) == 0 {
				svc.Conversations[i].Participants[j].NotificationLevel = store.NotificationLevelMuted
			}
		}
	}
	doc, err := json.Marshal(fixtures.FromWorld(store.World{Accounts: []store.Account{account}}))
	if err != nil {
		m.fatalf("%v", err)
	}
	if status, body := m.admin(http.MethodPost, "/_stub/state", "application/json", doc); status != http.StatusOK {
		m.fatalf("merge: %d %s", status, body)
	}
	// Parsed as the stub parses it: times as it keeps them.
	parsed, err := fixtures.Parse(doc)
	if err != nil {
		m.fatalf("%v", err)
	}
	m.world.Accounts[0] = parsed.Accounts[0]
}

func (m *modelRun) reset() {
	if status, body := m.admin(http.MethodPost, "/_stub/reset", "", nil); status != http.StatusNoContent {
		m.fatalf("reset: %d %s", status, body)
	}
	m.world = m.initial.Clone()
}

// importWorld replaces the whole state with a new random world.
func (m *modelRun) importWorld() {
	w := modelWorld(m.rng)
	doc, err := json.Marshal(fixtures.FromWorld(w))
	if err != nil {
		m.fatalf("%v", err)
	}
	if status, body := m.admin(http.MethodPut, "/_stub/state", "application/json", doc); status != http.StatusOK {
		m.fatalf("import: %d %s", status, body)
	}
	m.world = w
}

// fault makes the next request of an operation a 500; that request changes
// nothing.
func (m *modelRun) fault() {
	op := []string{"FetchUserConversation", "UpdateUserConversation", "DeleteUserConversation", "ListUserConversation"}[m.rng.IntN(4)]
	rule := fmt.Sprintf(`{"operation":%q,"error":{"status":500},"times":1}`, op)
	if status, body := m.admin(http.MethodPut, "/_stub/faults", "application/json", []byte(rule)); status != http.StatusCreated {
		m.fatalf("fault: %d %s", status, body)
	}
	userRef, _ := m.pickUser()
	convRef, _ := m.pickConversation()
	var status int
	var body []byte
	switch op {
	case "FetchUserConversation":
		status, body = m.twilio(http.MethodGet, ucPath(userRef, convRef), nil)
	case "UpdateUserConversation":
		status, body = m.twilio(http.MethodPost, ucPath(userRef, convRef), url.Values{"NotificationLevel": {"muted"}})
	case "DeleteUserConversation":
		status, body = m.twilio(http.MethodDelete, ucPath(userRef, convRef), nil)
	case "ListUserConversation":
		status, body = m.twilio(http.MethodGet, "/v1/Users/"+url.PathEscape(userRef)+"/Conversations", nil)
	}
	if status != http.StatusInternalServerError || !bytes.Contains(body, []byte(`"code":20500`)) {
		m.fatalf("faulted %s: %d %s, want the fault's 500", op, status, body)
	}
}

// check holds the stub's whole state to the model, and export and import
// to each other: what the stub exports, imported back, exports the same
// bytes.
func (m *modelRun) check() {
	m.t.Helper()
	status, exported := m.admin(http.MethodGet, "/_stub/state", "", nil)
	if status != http.StatusOK {
		m.fatalf("export: %d %s", status, exported)
	}
	got, err := fixtures.Parse(exported)
	if err != nil {
		m.fatalf("the export does not parse: %v", err)
	}
	if diff := worldDiff(got, m.world); diff != "" {
		m.fatalf("the stub's state is not the model's: %s", diff)
	}
	if status, body := m.admin(http.MethodPut, "/_stub/state", "application/json", exported); status != http.StatusOK {
		m.fatalf("import of the export: %d %s", status, body)
	}
	if _, again := m.admin(http.MethodGet, "/_stub/state", "", nil); !bytes.Equal(again, exported) {
		m.fatalf("export, import, export: the bytes differ")
	}
}

// worldDiff compares two worlds, but for when participants were last
// updated (the stub stamps that itself), and with an empty list the same as
// none.
func worldDiff(got, want store.World) string {
	strip := func(w store.World) store.World {
		w = w.Clone()
		for _, a := range w.Accounts {
			for _, s := range a.Services {
				for i := range s.Conversations {
					c := &s.Conversations[i]
					if len(c.Participants) == 0 {
						c.Participants = nil
					}
					for j := range c.Participants {
						c.Participants[j].DateUpdated = time.Time{}
					}
				}
			}
		}
		return w
	}
	g, _ := json.Marshal(strip(got))
	w, _ := json.Marshal(strip(want))
	if bytes.Equal(g, w) {
		return ""
	}
	return fmt.Sprintf("\n got %s\nwant %s", g, w)
}
