package client

import (
	"context"
	"fmt"
	"net/http"
	"runtime"
	"time"
)

// Version is the version of this package, sent in the default User-Agent.
const Version = "0.1.0"

// DefaultBaseURL is where Twilio serves the Conversations API.
const DefaultBaseURL = "https://conversations.twilio.com"

// defaultUserAgent follows twilio-go's shape ("twilio-go/1.x (linux amd64)
// go/go1.x") so that server logs can tell the client, platform and Go
// release apart.
var defaultUserAgent = fmt.Sprintf("userconversations-go/%s (%s %s) go/%s",
	Version, runtime.GOOS, runtime.GOARCH, runtime.Version())

// An Option configures a Client made by New or NewFromEnv.
type Option func(*settings)

// settings collects what the options chose before New validates it.
type settings struct {
	baseURL    string
	httpClient *http.Client
	retry      RetryPolicy
	userAgent  string

	// sleep and jitter drive the retry backoff; tests replace them to run
	// without waiting and to see the delays chosen.
	sleep  func(context.Context, time.Duration) error
	jitter func(time.Duration) time.Duration
}

func defaultSettings() settings {
	return settings{
		baseURL:   DefaultBaseURL,
		userAgent: defaultUserAgent,
		sleep:     sleepContext,
		jitter:    fullJitter,
	}
}

// WithBaseURL sends requests to baseURL instead of DefaultBaseURL, e.g. to the
// local stub or an httptest.Server. It must be an absolute http or https URL;
// a path in it is kept as a prefix of every request path.
func WithBaseURL(baseURL string) Option {
	return func(s *settings) { s.baseURL = baseURL }
}

// WithHTTPClient makes the Client send its requests through hc, keeping hc's
// transport, timeout, redirect policy and cookie jar. hc itself is not
// modified: the Client works on a copy whose transport adds retries around
// hc's transport (http.DefaultTransport when nil).
func WithHTTPClient(hc *http.Client) Option {
	return func(s *settings) { s.httpClient = hc }
}

// WithRetryPolicy replaces the default retry policy; zero fields keep their
// defaults (see RetryPolicy).
func WithRetryPolicy(p RetryPolicy) Option {
	return func(s *settings) { s.retry = p }
}

// WithoutRetries makes every request a single attempt: a 429 or 503 answer
// or a transport error is returned at once.
func WithoutRetries() Option {
	return WithRetryPolicy(RetryPolicy{MaxAttempts: 1})
}

// WithUserAgent replaces the User-Agent header, by default
// "userconversations-go/<Version> (<os> <arch>) go/<go version>".
func WithUserAgent(ua string) Option {
	return func(s *settings) { s.userAgent = ua }
}
