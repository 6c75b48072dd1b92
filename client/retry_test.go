package client

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// resetConnection answers by resetting the TCP connection, as a crashed
// proxy would.
func resetConnection(t *testing.T, w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		t.Errorf("hijack: %v", err)
		return
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0) // close with RST rather than FIN
	}
	_ = conn.Close()
}

// script answers request n with answers[n-1], and the last answer after
// that.
func script(answers ...func(http.ResponseWriter)) func(http.ResponseWriter, *http.Request, int) {
	return func(w http.ResponseWriter, r *http.Request, n int) {
		answers[min(n, len(answers))-1](w)
	}
}

func status(code int, header ...string) func(http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		for i := 0; i+1 < len(header); i += 2 {
			w.Header().Set(header[i], header[i+1])
		}
		writeTwilioError(w, code, 20000+code, http.StatusText(code))
	}
}

func ok(w http.ResponseWriter) { writeJSON(w, http.StatusOK, testConversation("CH1")) }

func TestRetries(t *testing.T) {
	fetch := func(ctx context.Context, c *Client) error {
		_, err := c.User("alice").Fetch(ctx, "CH1")
		return err
	}
	update := func(ctx context.Context, c *Client) error {
		_, err := c.User("alice").Update(ctx, "CH1", UpdateParams{LastReadMessageIndex: SetReadIndex(5)})
		return err
	}
	remove := func(ctx context.Context, c *Client) error { return c.User("alice").Remove(ctx, "CH1") }

	tests := []struct {
		name       string
		opts       []Option
		answers    []func(http.ResponseWriter)
		call       func(context.Context, *Client) error
		wantStatus int // of the *Error returned; 0 for success
		wantSent   int
		wantSleeps []time.Duration
	}{
		{
			name:       "429 with Retry-After, then 200",
			answers:    []func(http.ResponseWriter){status(429, "Retry-After", "1"), ok},
			call:       fetch,
			wantSent:   2,
			wantSleeps: []time.Duration{time.Second},
		},
		{
			name:       "503 twice, then 200, with exponential backoff",
			answers:    []func(http.ResponseWriter){status(503), status(503), ok},
			call:       fetch,
			wantSent:   3,
			wantSleeps: []time.Duration{200 * time.Millisecond, 400 * time.Millisecond},
		},
		{
			name:       "attempts exhausted return the last answer",
			opts:       []Option{WithRetryPolicy(RetryPolicy{MaxAttempts: 3, BaseDelay: time.Second, MaxDelay: 1500 * time.Millisecond})},
			answers:    []func(http.ResponseWriter){status(429), status(503)},
			call:       fetch,
			wantStatus: 503,
			wantSent:   3,
			wantSleeps: []time.Duration{time.Second, 1500 * time.Millisecond},
		},
		{
			// net/http wraps the body of a client with a Timeout: the
			// count of attempts must not travel in the body.
			name:       "attempts exhausted, on an http.Client with a Timeout",
			opts:       []Option{WithHTTPClient(&http.Client{Timeout: time.Minute}), WithRetryPolicy(RetryPolicy{MaxAttempts: 2})},
			answers:    []func(http.ResponseWriter){status(429), status(503)},
			call:       fetch,
			wantStatus: 503,
			wantSent:   2,
			wantSleeps: []time.Duration{200 * time.Millisecond},
		},
		{
			name:       "without retries",
			opts:       []Option{WithoutRetries()},
			answers:    []func(http.ResponseWriter){status(503), ok},
			call:       fetch,
			wantStatus: 503,
			wantSent:   1,
		},
		{
			name:     "500 is not retried",
			answers:  []func(http.ResponseWriter){status(500), ok},
			call:     fetch,
			wantSent: 1, wantStatus: 500,
		},
		{
			name:       "POST refused with 429 is retried",
			answers:    []func(http.ResponseWriter){status(429, "Retry-After", "0"), ok},
			call:       update,
			wantSent:   2,
			wantSleeps: []time.Duration{0},
		},
		{
			name:       "POST answered 400 is not repeated",
			answers:    []func(http.ResponseWriter){status(400), ok},
			call:       update,
			wantStatus: 400,
			wantSent:   1,
		},
		{
			name:       "POST answered 500 is not repeated",
			answers:    []func(http.ResponseWriter){status(500), ok},
			call:       update,
			wantStatus: 500,
			wantSent:   1,
		},
		{
			name:       "a Retry-After over MaxRetryAfter is not waited for",
			opts:       []Option{WithRetryPolicy(RetryPolicy{MaxRetryAfter: 2 * time.Second})},
			answers:    []func(http.ResponseWriter){status(429, "Retry-After", "3"), ok},
			call:       fetch,
			wantStatus: 429,
			wantSent:   1,
		},
		{
			name:       "a Retry-After at MaxRetryAfter is",
			opts:       []Option{WithRetryPolicy(RetryPolicy{MaxRetryAfter: 2 * time.Second})},
			answers:    []func(http.ResponseWriter){status(429, "Retry-After", "2"), ok},
			call:       fetch,
			wantSent:   2,
			wantSleeps: []time.Duration{2 * time.Second},
		},
		{
			name:       "DELETE 503, then 204",
			answers:    []func(http.ResponseWriter){status(503), func(w http.ResponseWriter) { w.WriteHeader(http.StatusNoContent) }},
			call:       remove,
			wantSent:   2,
			wantSleeps: []time.Duration{200 * time.Millisecond},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newFakeServer(t, script(tt.answers...))
			c, sleeps := newTestClient(t, srv.URL, tt.opts...)

			err := tt.call(t.Context(), c)

			if tt.wantStatus == 0 && err != nil {
				t.Fatalf("error %v, want success", err)
			}
			if tt.wantStatus != 0 {
				e, ok := errors.AsType[*Error](err)
				if !ok || e.Status != tt.wantStatus || e.Code != 20000+tt.wantStatus {
					t.Fatalf("error %v, want the %d answer as *Error", err, tt.wantStatus)
				}
				// The error says how many attempts were made, once there
				// were several.
				wantAttempts := 0
				if tt.wantSent > 1 {
					wantAttempts = tt.wantSent
				}
				if e.Attempts != wantAttempts {
					t.Errorf("Attempts %d, want %d", e.Attempts, wantAttempts)
				}
				if tt.wantSent > 1 && !strings.Contains(e.Error(), fmt.Sprintf("after %d attempts", tt.wantSent)) {
					t.Errorf("%q does not say how many attempts were made", e.Error())
				}
			}
			reqs := srv.requests()
			if len(reqs) != tt.wantSent {
				t.Errorf("sent %d requests, want %d", len(reqs), tt.wantSent)
			}
			for _, r := range reqs[1:] {
				if r != reqs[0] {
					t.Errorf("retry %+v differs from the first attempt %+v", r, reqs[0])
				}
			}
			if got := sleeps.get(); !slices.Equal(got, tt.wantSleeps) {
				t.Errorf("slept %v, want %v", got, tt.wantSleeps)
			}
		})
	}
}

func TestResetConnection(t *testing.T) {
	tests := []struct {
		name     string
		call     func(context.Context, UserConversations) error
		wantSent int
	}{
		{
			name: "GET is retried",
			call: func(ctx context.Context, u UserConversations) error {
				_, err := u.Fetch(ctx, "CH1")
				return err
			},
			wantSent: 2,
		},
		{
			name:     "DELETE is retried",
			call:     func(ctx context.Context, u UserConversations) error { return u.Remove(ctx, "CH1") },
			wantSent: 2,
		},
		{
			name: "POST is not resent",
			call: func(ctx context.Context, u UserConversations) error {
				_, err := u.Update(ctx, "CH1", UpdateParams{NotificationLevel: NotificationLevelMuted})
				return err
			},
			wantSent: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
				if n == 1 {
					resetConnection(t, w)
					return
				}
				if r.Method == http.MethodDelete {
					w.WriteHeader(http.StatusNoContent)
					return
				}
				ok(w)
			})
			c, _ := newTestClient(t, srv.URL)

			err := tt.call(t.Context(), c.User("alice"))

			if retried := tt.wantSent > 1; retried != (err == nil) {
				t.Errorf("error %v with %d attempts wanted", err, tt.wantSent)
			}
			if StatusCode(err) != 0 {
				t.Errorf("error %v is an answer, want a transport error", err)
			}
			if got := len(srv.requests()); got != tt.wantSent {
				t.Errorf("sent %d requests, want %d", got, tt.wantSent)
			}
		})
	}
}

func TestRetryFollowsNextPageURL(t *testing.T) {
	// The first request for the second page is refused.
	p := newPager(t, 3, map[int]func(http.ResponseWriter){2: status(429, "Retry-After", "2")})
	c, sleeps := newTestClient(t, p.URL)

	n := 0
	for _, err := range c.User("alice").List(t.Context(), ListParams{PageSize: 2}) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	reqs := p.requests()
	if n != 3 || len(reqs) != 3 {
		t.Fatalf("listed %d conversations in %d requests, want 3 in 3", n, len(reqs))
	}
	if reqs[2] != reqs[1] {
		t.Errorf("retry %+v differs from the refused request %+v", reqs[2], reqs[1])
	}
	if got := sleeps.get(); !slices.Equal(got, []time.Duration{2 * time.Second}) {
		t.Errorf("slept %v, want [2s]", got)
	}
}

func TestCancelStopsTheRetryLoopAtOnce(t *testing.T) {
	srv := newFakeServer(t, script(status(503, "Retry-After", "25")))
	ctx, cancel := context.WithCancel(t.Context())
	// The real sleep, with the context cancelled as the wait begins: the
	// 25 s Retry-After must not be waited out.
	sleepCancelled := func(ctx context.Context, d time.Duration) error {
		cancel()
		return sleepContext(ctx, d)
	}
	c, _ := newTestClient(t, srv.URL, withSleep(sleepCancelled))

	done := make(chan error, 1)
	go func() {
		_, err := c.User("alice").Fetch(ctx, "CH1")
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("error %v, want context.Canceled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Fetch still waiting 10s after its context was cancelled")
	}
	if got := len(srv.requests()); got != 1 {
		t.Errorf("sent %d requests, want 1", got)
	}
}

func TestCancelledContextSendsNothing(t *testing.T) {
	srv := newFakeServer(t, script(ok))
	c, _ := newTestClient(t, srv.URL)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := c.User("alice").Fetch(ctx, "CH1"); !errors.Is(err, context.Canceled) {
		t.Errorf("error %v, want context.Canceled", err)
	}
	if got := len(srv.requests()); got != 0 {
		t.Errorf("sent %d requests, want 0", got)
	}
}

// roundTripFunc is an http.RoundTripper made of a function.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestBodyIsResent(t *testing.T) {
	// A fake transport, unlike http.Transport, does not rewind a body it
	// was given twice: each attempt must bring its own.
	var bodies []string
	rt := &retryTransport{
		next: roundTripFunc(func(r *http.Request) (*http.Response, error) {
			b, err := io.ReadAll(r.Body)
			if err != nil {
				return nil, err
			}
			bodies = append(bodies, string(b))
			code := http.StatusOK
			if len(bodies) == 1 {
				code = http.StatusTooManyRequests
			}
			return &http.Response{StatusCode: code, Header: http.Header{}, Body: http.NoBody}, nil
		}),
		policy: RetryPolicy{MaxAttempts: 2},
		sleep:  (&sleepLog{}).sleep,
		jitter: noJitter,
	}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, "http://example.com/", strings.NewReader("a=b"))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := rt.RoundTrip(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("RoundTrip = %v, %v; want the 200", resp, err)
	}
	if !slices.Equal(bodies, []string{"a=b", "a=b"}) {
		t.Errorf("bodies sent %q, want the same body twice", bodies)
	}
}

func TestBodyThatCannotBeResentIsSentOnce(t *testing.T) {
	attempts := 0
	rt := &retryTransport{
		next: roundTripFunc(func(r *http.Request) (*http.Response, error) {
			attempts++
			_, _ = io.Copy(io.Discard, r.Body)
			return &http.Response{StatusCode: http.StatusServiceUnavailable, Header: http.Header{}, Body: http.NoBody}, nil
		}),
		policy: RetryPolicy{MaxAttempts: 4},
		sleep:  (&sleepLog{}).sleep,
		jitter: noJitter,
	}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, "http://example.com/", io.NopCloser(strings.NewReader("a=b")))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := rt.RoundTrip(req)
	if err != nil || resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("RoundTrip = %v, %v; want the 503", resp, err)
	}
	if attempts != 1 {
		t.Errorf("%d attempts, want 1: the body could not be produced again", attempts)
	}
}

func TestBackoff(t *testing.T) {
	rt := &retryTransport{policy: RetryPolicy{BaseDelay: 200 * time.Millisecond, MaxDelay: time.Second}, jitter: noJitter}
	want := []time.Duration{200 * time.Millisecond, 400 * time.Millisecond, 800 * time.Millisecond, time.Second, time.Second}
	for i, w := range want {
		if got := rt.backoff(i + 1); got != w {
			t.Errorf("backoff(%d) = %v, want %v", i+1, got, w)
		}
	}
}

func TestFullJitter(t *testing.T) {
	if got := fullJitter(0); got != 0 {
		t.Errorf("fullJitter(0) = %v, want 0", got)
	}
	const d = 10 * time.Millisecond
	seen := map[time.Duration]bool{}
	for range 1000 {
		got := fullJitter(d)
		if got < 0 || got > d {
			t.Fatalf("fullJitter(%v) = %v, outside [0, %v]", d, got, d)
		}
		seen[got] = true
	}
	if len(seen) < 100 {
		t.Errorf("fullJitter gave only %d distinct delays in 1000 draws", len(seen))
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	tests := []struct {
		value  string
		want   time.Duration
		wantOK bool
	}{
		{"", 0, false},
		{"1", time.Second, true},
		{"0", 0, true},
		{"120", 2 * time.Minute, true},
		{"-3", 0, false},
		{"soon", 0, false},
		{"Mon, 06 May 2024 07:08:39 GMT", 30 * time.Second, true},
		{"Mon, 06 May 2024 07:00:00 GMT", 0, true}, // already past
	}
	for _, tt := range tests {
		got, ok := retryAfter(tt.value, now)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("retryAfter(%q) = %v, %v; want %v, %v", tt.value, got, ok, tt.want, tt.wantOK)
		}
	}
}

func TestSleepContext(t *testing.T) {
	if err := sleepContext(t.Context(), time.Millisecond); err != nil {
		t.Errorf("sleepContext = %v, want nil", err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	start := time.Now()
	if err := sleepContext(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Errorf("sleepContext = %v, want context.Canceled", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("sleepContext took %v with a cancelled context", d)
	}
}

// A connection refused every time is retried as the policy allows, and the
// error says so.
func TestRefusedConnectionErrorCountsAttempts(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there any more
	c, sleeps := newTestClient(t, "http://"+addr, WithRetryPolicy(RetryPolicy{MaxAttempts: 3}))
	_, err = c.User("alice").Fetch(t.Context(), "CH1")
	if err == nil || !strings.Contains(err.Error(), "after 3 attempts") || len(sleeps.get()) != 2 {
		t.Fatalf("error %v after %d waits, want one saying 'after 3 attempts' after 2", err, len(sleeps.get()))
	}
}
