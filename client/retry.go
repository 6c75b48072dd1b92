package client

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"
)

// RetryPolicy bounds how often and how patiently a request is retried.
//
// Retried are answers 429 (Too Many Requests) and 503 (Service Unavailable),
// for every method, since both mean the request was refused rather than
// carried out; and transport errors (a reset connection, a refused dial) for
// GET and DELETE only. A POST that may have reached the server is never sent
// twice, so an update is not applied twice.
//
// Between attempts the client waits for the answer's Retry-After header
// (seconds or an HTTP date) when there is one, up to MaxRetryAfter, or else
// for a random delay between zero and BaseDelay·2^(retry−1), capped at
// MaxDelay ("full jitter"). A Retry-After longer than MaxRetryAfter is not
// waited for: the answer is returned. The request's context bounds all of
// it: once it is done, the wait ends at once and the context's error is
// returned.
//
// An error after retries says how many attempts were made: *Error.Attempts,
// and "after N attempts" in a transport error's message.
type RetryPolicy struct {
	// MaxAttempts is the number of attempts, the first included; 0 means 4,
	// 1 means no retries.
	MaxAttempts int
	// BaseDelay is the backoff before the first retry; 0 means 200ms.
	BaseDelay time.Duration
	// MaxDelay caps the backoff; 0 means 5s.
	MaxDelay time.Duration
	// MaxRetryAfter caps the Retry-After the client waits for; 0 means 30s.
	// An answer asking for longer is returned instead of retried.
	MaxRetryAfter time.Duration
}

// withDefaults fills the zero fields of p, and refuses negative ones.
func (p RetryPolicy) withDefaults() (RetryPolicy, error) {
	if p.MaxAttempts < 0 || p.BaseDelay < 0 || p.MaxDelay < 0 || p.MaxRetryAfter < 0 {
		return p, errors.New("client: RetryPolicy fields must not be negative")
	}
	if p.MaxAttempts == 0 {
		p.MaxAttempts = 4
	}
	if p.BaseDelay == 0 {
		p.BaseDelay = 200 * time.Millisecond
	}
	if p.MaxDelay == 0 {
		p.MaxDelay = 5 * time.Second
	}
	if p.MaxRetryAfter == 0 {
		p.MaxRetryAfter = 30 * time.Second
	}
	return p, nil
}

// retryTransport retries requests as RetryPolicy describes. As a
// RoundTripper it sits under the generated client and under the requests
// that follow next_page_url alike, and each attempt carries the headers the
// request editors set.
type retryTransport struct {
	next   http.RoundTripper
	policy RetryPolicy
	sleep  func(context.Context, time.Duration) error
	jitter func(time.Duration) time.Duration
}

// RoundTrip sends req, and sends it again while the answer or the error is
// retryable and the policy allows another attempt.
func (t *retryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	attempt := req
	for n := 1; ; n++ {
		resp, err := t.next.RoundTrip(attempt)
		if n >= t.policy.MaxAttempts || !retryable(req, resp, err) {
			return attempted(resp, err, n)
		}
		delay := t.backoff(n)
		if resp != nil {
			if d, ok := retryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
				if d > t.policy.MaxRetryAfter {
					return attempted(resp, err, n) // not worth the wait
				}
				delay = d
			}
			discard(resp)
		}
		if err := t.sleep(ctx, delay); err != nil {
			return nil, err
		}
		if attempt, err = rewind(req); err != nil {
			return nil, err
		}
	}
}

// attempted marks the outcome of the last of n attempts: a transport error
// says how many were made; an answer's request carries n in its context
// for checkStatus. (Not its body: an http.Client with a Timeout wraps the
// body in its own.)
func attempted(resp *http.Response, err error, n int) (*http.Response, error) {
	if n == 1 {
		return resp, err
	}
	if err != nil {
		return nil, fmt.Errorf("after %d attempts: %w", n, err)
	}
	if resp.Request != nil {
		resp.Request = resp.Request.WithContext(context.WithValue(resp.Request.Context(), attemptsKey{}, n))
	}
	return resp, nil
}

// attemptsKey is the context key of the attempts an answer took.
type attemptsKey struct{}

// attemptsOf returns how many attempts rsp took; 0 for one.
func attemptsOf(rsp *http.Response) int {
	if rsp.Request == nil {
		return 0
	}
	n, _ := rsp.Request.Context().Value(attemptsKey{}).(int)
	return n
}

// retryable reports whether the outcome of one attempt at req may be retried.
func retryable(req *http.Request, resp *http.Response, err error) bool {
	if !resendable(req) {
		return false
	}
	if err != nil {
		// The request may have been received and acted on; only methods
		// that are safe to repeat are sent again.
		return req.Method == http.MethodGet || req.Method == http.MethodDelete
	}
	return resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable
}

// resendable reports whether req's body can be produced again. Requests made
// by http.NewRequest from a strings.Reader, as the generated client's are,
// always can.
func resendable(req *http.Request) bool {
	return req.Body == nil || req.Body == http.NoBody || req.GetBody != nil
}

// rewind returns a copy of req with a fresh body, for the next attempt.
func rewind(req *http.Request) (*http.Request, error) {
	r := req.Clone(req.Context())
	if req.GetBody != nil {
		body, err := req.GetBody()
		if err != nil {
			return nil, err
		}
		r.Body = body
	}
	return r, nil
}

// discard drains a little of a response that will not be returned, so that
// its connection can be reused, and closes it.
func discard(resp *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4<<10))
	_ = resp.Body.Close()
}

// backoff returns the jittered delay before retry number n (1 for the first).
func (t *retryTransport) backoff(n int) time.Duration {
	d := t.policy.BaseDelay
	for i := 1; i < n && d < t.policy.MaxDelay; i++ {
		d *= 2
	}
	return t.jitter(min(d, t.policy.MaxDelay))
}

// fullJitter picks a delay uniformly in [0, d]: clients that failed together
// spread out instead of retrying in lockstep.
func fullJitter(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	return rand.N(d + 1)
}

// retryAfter parses a Retry-After header value, delay-seconds or an HTTP
// date, into a delay from now; a date already past means no delay.
func retryAfter(v string, now time.Time) (time.Duration, bool) {
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.Atoi(v); err == nil {
		if secs < 0 {
			return 0, false
		}
		return time.Duration(secs) * time.Second, true
	}
	at, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return max(at.Sub(now), 0), true
}

// sleepContext waits for d, or returns ctx's error as soon as ctx is done.
func sleepContext(ctx context.Context, d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}
