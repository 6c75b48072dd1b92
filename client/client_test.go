package client

import (
	"errors"
	"net/http"
	"testing"
	"time"
)

func TestNewRefusesBadConfiguration(t *testing.T) {
	tests := []struct {
		name              string
		sid, token        string
		opts              []Option
		wantNoCredentials bool
	}{
		{name: "no account SID", token: "t", wantNoCredentials: true},
		{name: "no auth token", sid: "AC1", wantNoCredentials: true},
		{name: "base URL without scheme", sid: "AC1", token: "t", opts: []Option{WithBaseURL("conversations.twilio.com")}},
		{name: "base URL not http", sid: "AC1", token: "t", opts: []Option{WithBaseURL("ftp://example.com")}},
		{name: "base URL unparsable", sid: "AC1", token: "t", opts: []Option{WithBaseURL("http://[::1")}},
		{name: "negative attempts", sid: "AC1", token: "t", opts: []Option{WithRetryPolicy(RetryPolicy{MaxAttempts: -1})}},
		{name: "negative delay", sid: "AC1", token: "t", opts: []Option{WithRetryPolicy(RetryPolicy{BaseDelay: -time.Second})}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := New(tt.sid, tt.token, tt.opts...)
			if err == nil || c != nil {
				t.Fatalf("New = %v, %v; want an error", c, err)
			}
			if errors.Is(err, ErrNoCredentials) != tt.wantNoCredentials {
				t.Errorf("error %v: errors.Is(ErrNoCredentials) = %v, want %v", err, !tt.wantNoCredentials, tt.wantNoCredentials)
			}
		})
	}
}

func TestNewDefaults(t *testing.T) {
	c, err := New("AC1", "t")
	if err != nil {
		t.Fatal(err)
	}
	if c.gen.Server != DefaultBaseURL+"/" {
		t.Errorf("server %q, want %q", c.gen.Server, DefaultBaseURL+"/")
	}
	rt := c.hc.Transport.(*retryTransport)
	want := RetryPolicy{MaxAttempts: 4, BaseDelay: 200 * time.Millisecond, MaxDelay: 5 * time.Second, MaxRetryAfter: 30 * time.Second}
	if rt.policy != want || rt.next != http.DefaultTransport {
		t.Errorf("retries %+v over %v, want %+v over http.DefaultTransport", rt.policy, rt.next, want)
	}
}

func TestWithHTTPClientKeepsTheCallersClient(t *testing.T) {
	srv := newFakeServer(t, script(status(503), ok))
	var through int
	transport := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		through++
		return http.DefaultTransport.RoundTrip(r)
	})
	hc := &http.Client{Transport: transport, Timeout: time.Minute}
	c, sleeps := newTestClient(t, srv.URL, WithHTTPClient(hc))

	if _, err := c.User("alice").Fetch(t.Context(), "CH1"); err != nil {
		t.Fatal(err)
	}
	if through != 2 || len(sleeps.get()) != 1 {
		t.Errorf("%d attempts through the caller's transport with %d waits, want 2 and 1", through, len(sleeps.get()))
	}
	if _, isRoundTripFunc := hc.Transport.(roundTripFunc); !isRoundTripFunc {
		t.Errorf("the caller's client was changed: its transport is now %T", hc.Transport)
	}
	if c.hc.Timeout != time.Minute {
		t.Errorf("timeout %v, want the caller's 1m", c.hc.Timeout)
	}
}

func TestNewFromEnv(t *testing.T) {
	tests := []struct {
		name                        string
		account, token, key, secret string
		wantUser, wantPassword      string
		wantErr                     bool
	}{
		{name: "auth token", account: "AC1", token: "tok", wantUser: "AC1", wantPassword: "tok"},
		{name: "API key", account: "AC1", key: "SK1", secret: "sec", wantUser: "SK1", wantPassword: "sec"},
		{name: "API key wins over auth token", account: "AC1", token: "tok", key: "SK1", secret: "sec", wantUser: "SK1", wantPassword: "sec"},
		{name: "nothing set", wantErr: true},
		{name: "no account SID", token: "tok", wantErr: true},
		{name: "API key without account SID", key: "SK1", secret: "sec", wantErr: true},
		{name: "no auth token or key", account: "AC1", wantErr: true},
		{name: "API key without secret", account: "AC1", token: "tok", key: "SK1", wantErr: true},
		{name: "API secret without key", account: "AC1", secret: "sec", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("TWILIO_ACCOUNT_SID", tt.account)
			t.Setenv("TWILIO_AUTH_TOKEN", tt.token)
			t.Setenv("TWILIO_API_KEY", tt.key)
			t.Setenv("TWILIO_API_SECRET", tt.secret)
			srv := newFakeServer(t, answerResource)

			c, err := NewFromEnv(WithBaseURL(srv.URL))

			if tt.wantErr {
				if !errors.Is(err, ErrNoCredentials) {
					t.Errorf("error %v, want one wrapping ErrNoCredentials", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if _, err := c.User("alice").Fetch(t.Context(), "CH1"); err != nil {
				t.Fatal(err)
			}
			if r := srv.requests()[0]; r.User != tt.wantUser || r.Password != tt.wantPassword {
				t.Errorf("basic auth %q:%q, want %q:%q", r.User, r.Password, tt.wantUser, tt.wantPassword)
			}
		})
	}
}
