package client

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"
)

const (
	testAccount = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	testToken   = "secret0token"
	testService = "ISbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
)

// seen is what the fake server recorded of one request.
type seen struct {
	Method      string
	URI         string // as on the wire: escaped path and query
	Body        string
	ContentType string
	UserAgent   string
	Accept      string
	User        string
	Password    string
}

// fakeServer stands in for Twilio: it records every request and lets the
// test answer it.
type fakeServer struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []seen
}

// newFakeServer starts a server that records each request, then hands it to
// answer with its number, counting from 1.
func newFakeServer(t *testing.T, answer func(w http.ResponseWriter, r *http.Request, n int)) *fakeServer {
	t.Helper()
	f := &fakeServer{}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			t.Errorf("reading request body: %v", err)
		}
		user, password, _ := r.BasicAuth()
		f.mu.Lock()
		f.reqs = append(f.reqs, seen{
			Method:      r.Method,
			URI:         r.RequestURI,
			Body:        string(body),
			ContentType: r.Header.Get("Content-Type"),
			UserAgent:   r.UserAgent(),
			Accept:      r.Header.Get("Accept"),
			User:        user,
			Password:    password,
		})
		n := len(f.reqs)
		f.mu.Unlock()
		answer(w, r, n)
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeServer) requests() []seen {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.reqs)
}

// sleepLog records the backoff delays instead of waiting them out.
type sleepLog struct {
	mu     sync.Mutex
	delays []time.Duration
}

func (l *sleepLog) sleep(ctx context.Context, d time.Duration) error {
	l.mu.Lock()
	l.delays = append(l.delays, d)
	l.mu.Unlock()
	return ctx.Err()
}

func (l *sleepLog) get() []time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.delays)
}

// withSleep and withJitter replace the retry clock, for tests only.
func withSleep(f func(context.Context, time.Duration) error) Option {
	return func(s *settings) { s.sleep = f }
}

func withJitter(f func(time.Duration) time.Duration) Option {
	return func(s *settings) { s.jitter = f }
}

// noJitter makes backoff delays exact.
func noJitter(d time.Duration) time.Duration { return d }

// newTestClient returns a Client for baseURL that records backoff delays
// instead of sleeping, without jitter; opts come last and may override that.
func newTestClient(t *testing.T, baseURL string, opts ...Option) (*Client, *sleepLog) {
	t.Helper()
	log := &sleepLog{}
	defaults := []Option{WithBaseURL(baseURL), withSleep(log.sleep), withJitter(noJitter)}
	c, err := New(testAccount, testToken, append(defaults, opts...)...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c, log
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// writeTwilioError answers with Twilio's JSON error body.
func writeTwilioError(w http.ResponseWriter, status, code int, message string) {
	writeJSON(w, status, map[string]any{
		"code":      code,
		"message":   message,
		"more_info": "https://www.twilio.com/docs/errors/" + strconv.Itoa(code),
		"status":    status,
	})
}

// testConversation is a user conversation as Twilio sends it.
func testConversation(sid string) map[string]any {
	return map[string]any{
		"account_sid":             testAccount,
		"chat_service_sid":        testService,
		"conversation_sid":        sid,
		"unread_messages_count":   3,
		"last_read_message_index": 7,
		"participant_sid":         "MBcccccccccccccccccccccccccccccccc",
		"user_sid":                "USdddddddddddddddddddddddddddddddd",
		"friendly_name":           "Support",
		"conversation_state":      "active",
		"timers":                  map[string]any{},
		"attributes":              "{}",
		"date_created":            "2015-07-30T20:00:00Z",
		"date_updated":            "2015-07-30T20:00:00Z",
		"created_by":              "system",
		"notification_level":      "muted",
		"unique_name":             nil,
		"url":                     "https://conversations.twilio.com/v1/Users/USdddddddddddddddddddddddddddddddd/Conversations/" + sid,
		"links": map[string]any{
			"participant":  "https://conversations.twilio.com/v1/Conversations/" + sid + "/Participants/MBcccccccccccccccccccccccccccccccc",
			"conversation": "https://conversations.twilio.com/v1/Conversations/" + sid,
		},
	}
}
