package twilioapi

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/twilio-stubs/userconversations/gen/conversations"
)

// Strings that exercise every escaping rule of encoding/json.
var jsonTrickyStrings = []string{
	"",
	"plain",
	`quote " backslash \ slash /`,
	"<script>alert('x')</script> & co",
	"\x00\x01\x07\b\t\n\v\f\r\x1b\x1f\x7f",
	"line\u2028para\u2029end",
	"Zoë, 日本語, emoji 🎉",
	"bad utf-8: \xff\xfe, cut: \xe2\x82",
	`{"topic":"a<b","n":1}`,
	"https://stub.test/v1/Users/a%2Fb/Conversations?PageSize=50&Page=1&PageToken=PTabc_-",
}

func jsonTestConversation(s string, n int, full bool) conversations.UserConversation {
	if !full {
		return conversations.UserConversation{ConversationState: conversations.ConversationState(s)}
	}
	t1 := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	t2 := time.Date(2025, 6, 7, 8, 9, 10, 123456789, time.FixedZone("x", 5*3600+30*60))
	timers := &conversations.ConversationTimers{}
	switch n % 4 {
	case 1:
		timers.DateClosed = &t1
	case 2:
		timers.DateInactive = &t2
	case 3:
		timers.DateClosed, timers.DateInactive = &t2, &t1
	}
	index, unread := n, -n
	return conversations.UserConversation{
		AccountSid:           &s,
		Attributes:           &s,
		ChatServiceSid:       &s,
		ConversationSid:      &s,
		ConversationState:    conversations.ConversationState(s),
		CreatedBy:            &s,
		DateCreated:          &t1,
		DateUpdated:          &t2,
		FriendlyName:         &s,
		LastReadMessageIndex: &index,
		Links:                &conversations.UserConversationLinks{Conversation: s, Participant: s + "/p"},
		NotificationLevel:    conversations.NotificationLevel(s),
		ParticipantSid:       &s,
		Timers:               timers,
		UniqueName:           &s,
		UnreadMessagesCount:  &unread,
		Url:                  &s,
		UserSid:              &s,
	}
}

func randomJSONString(r *rand.Rand) string {
	pieces := []string{"a", "Z", "0", " ", `"`, `\`, "<", ">", "&", "\x00", "\x1f", "\x7f", "\n", "\t", "é", "\u2028", "\u2029", "\xff", "\xe2\x82", "🎉", "/", "%"}
	var sb strings.Builder
	for range r.IntN(12) {
		sb.WriteString(pieces[r.IntN(len(pieces))])
	}
	return sb.String()
}

func TestJSONEncodingMatchesEncodingJSON(t *testing.T) {
	check := func(t *testing.T, v any, got []byte, ok bool) {
		t.Helper()
		want, err := json.Marshal(v)
		if err != nil || !ok {
			t.Fatalf("encoding/json: %v; hand encoder ok: %v", err, ok)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("hand encoder:\n%s\nencoding/json:\n%s", got, want)
		}
	}
	strs := jsonTrickyStrings
	r := rand.New(rand.NewPCG(1, 2))
	for range 300 {
		strs = append(strs, randomJSONString(r))
	}
	for i, s := range strs {
		for _, full := range []bool{false, true} {
			uc := jsonTestConversation(s, i, full)
			got, ok := appendUserConversation(nil, &uc)
			check(t, uc, got, ok)
		}
	}

	next, prev := strs[len(strs)-1], strs[9]
	pages := []conversations.UserConversationPage{
		{}, // nil conversations: null
		{Conversations: []conversations.UserConversation{}, Meta: conversations.PageMeta{Key: conversations.PageMetaKeyConversations, FirstPageUrl: strs[9], Url: strs[3]}},
		{
			Conversations: []conversations.UserConversation{jsonTestConversation(strs[2], 1, true), jsonTestConversation(strs[4], 2, false), jsonTestConversation(strs[7], 3, true)},
			Meta:          conversations.PageMeta{Key: "conversations", Page: 3, PageSize: -7, NextPageUrl: &next, PreviousPageUrl: &prev, FirstPageUrl: strs[5], Url: strs[6]},
		},
	}
	for _, p := range pages {
		got, ok := appendPage(nil, &p)
		check(t, p, got, ok)
	}
}

// A time encoding/json refuses is left to it, so its error stays the same.
func TestJSONEncodingRefusesWhatEncodingJSONRefuses(t *testing.T) {
	far := time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, uc := range []conversations.UserConversation{
		{DateCreated: &far},
		{Timers: &conversations.ConversationTimers{DateInactive: &far}},
	} {
		if _, err := json.Marshal(uc); err == nil {
			t.Fatal("encoding/json accepted a year 10000")
		}
		if _, ok := appendUserConversation(nil, &uc); ok {
			t.Fatal("the hand encoder accepted a year 10000")
		}
	}
}

// respondUserConversation answers exactly as c.JSON does, ?pretty included.
func TestRespondJSONMatchesEchoJSON(t *testing.T) {
	uc := jsonTestConversation(jsonTrickyStrings[3], 3, true)
	far := time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
	bad := conversations.UserConversation{DateCreated: &far}
	e := echo.New()
	serve := func(target string, debug bool, respond func(echo.Context) error) *httptest.ResponseRecorder {
		e.Debug = debug
		rec := httptest.NewRecorder()
		c := e.NewContext(httptest.NewRequest(http.MethodGet, target, nil), rec)
		if err := respond(c); err != nil {
			e.HTTPErrorHandler(err, c)
		}
		return rec
	}
	for _, tt := range []struct {
		target string
		debug  bool
		uc     conversations.UserConversation
	}{
		{"/x", false, uc},
		{"/x?pretty", false, uc},
		{"/x?pretty=1&a=b", false, uc},
		{"/x?%70retty", false, uc},
		{"/x?notpretty=1", false, uc},
		{"/x?a=%41", false, uc},
		{"/x", true, uc},
		{"/x", false, bad},
	} {
		got := serve(tt.target, tt.debug, func(c echo.Context) error { return respondUserConversation(c, tt.uc) })
		want := serve(tt.target, tt.debug, func(c echo.Context) error { return c.JSON(http.StatusOK, tt.uc) })
		if got.Code != want.Code || got.Body.String() != want.Body.String() ||
			got.Header().Get(echo.HeaderContentType) != want.Header().Get(echo.HeaderContentType) {
			t.Errorf("%s debug=%v: got %d %q %q, c.JSON %d %q %q", tt.target, tt.debug,
				got.Code, got.Header().Get(echo.HeaderContentType), got.Body,
				want.Code, want.Header().Get(echo.HeaderContentType), want.Body)
		}
	}
	e.Debug = false
	page := conversations.UserConversationPage{Conversations: []conversations.UserConversation{uc, uc}}
	got := serve("/x", false, func(c echo.Context) error { return respondPage(c, &page) })
	want := serve("/x", false, func(c echo.Context) error { return c.JSON(http.StatusOK, page) })
	if got.Body.String() != want.Body.String() {
		t.Errorf("page: got %q, c.JSON %q", got.Body, want.Body)
	}
}

// The handlers take the hand encoder, not c.JSON, on a plain echo: the
// response is the same (above), but without encoding/json's allocations.
func TestRespondJSONTakesTheHandEncoder(t *testing.T) {
	e := echo.New()
	uc := jsonTestConversation("x", 1, true)
	req, rec := httptest.NewRequest(http.MethodGet, "/x", nil), httptest.NewRecorder()
	c := e.NewContext(req, rec)
	allocs := func(respond func() error) float64 {
		return testing.AllocsPerRun(100, func() {
			rec.Body.Reset()
			c.Reset(req, rec)
			if err := respond(); err != nil {
				t.Fatal(err)
			}
		})
	}
	hand := allocs(func() error { return respondUserConversation(c, uc) })
	std := allocs(func() error { return c.JSON(http.StatusOK, uc) })
	if hand >= std {
		t.Errorf("respondUserConversation: %v allocations, c.JSON %v: is it c.JSON?", hand, std)
	}
	t.Logf("allocations: hand encoder %v, c.JSON %v", hand, std)
}
