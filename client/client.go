package client

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"

	"github.com/twilio-stubs/userconversations/gen/conversations"
)

// Client talks to the User Conversation API. It is safe for concurrent use.
// Reach the resources through User and Service.
type Client struct {
	gen *conversations.Client
	hc  *http.Client // gen's doer too: retries around the caller's transport

	username, password string
	userAgent          string
}

// New returns a Client that authenticates with HTTP basic auth as accountSID
// and authToken. An API key works the same way: pass the key's SID (SK...)
// and secret in their place.
func New(accountSID, authToken string, opts ...Option) (*Client, error) {
	if accountSID == "" || authToken == "" {
		return nil, fmt.Errorf("%w: an account SID (or API key SID) and an auth token (or API key secret) are both required", ErrNoCredentials)
	}
	s := defaultSettings()
	for _, opt := range opts {
		opt(&s)
	}
	policy, err := s.retry.withDefaults()
	if err != nil {
		return nil, err
	}
	if u, err := url.Parse(s.baseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("client: base URL %q is not an absolute http or https URL", s.baseURL)
	}

	var hc http.Client
	if s.httpClient != nil {
		hc = *s.httpClient
	}
	next := hc.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	hc.Transport = &retryTransport{next: next, policy: policy, sleep: s.sleep, jitter: s.jitter}

	c := &Client{hc: &hc, username: accountSID, password: authToken, userAgent: s.userAgent}
	c.gen, err = conversations.NewClient(s.baseURL,
		conversations.WithHTTPClient(c.hc),
		conversations.WithRequestEditorFn(c.editRequest))
	if err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	return c, nil
}

// NewFromEnv returns a Client configured from the environment, as Twilio's
// libraries are: TWILIO_ACCOUNT_SID, and either TWILIO_API_KEY with
// TWILIO_API_SECRET (preferred when both are set) or TWILIO_AUTH_TOKEN. With
// an API key, the key's SID and secret are what is sent; the account SID is
// still required so that a half-set environment is caught here rather than by
// a 401 later. Missing variables give an error wrapping ErrNoCredentials.
func NewFromEnv(opts ...Option) (*Client, error) {
	account := os.Getenv("TWILIO_ACCOUNT_SID")
	key, secret := os.Getenv("TWILIO_API_KEY"), os.Getenv("TWILIO_API_SECRET")
	token := os.Getenv("TWILIO_AUTH_TOKEN")
	switch {
	case account == "":
		return nil, fmt.Errorf("%w: TWILIO_ACCOUNT_SID is not set", ErrNoCredentials)
	case key != "" && secret != "":
		return New(key, secret, opts...)
	case key != "" || secret != "":
		return nil, fmt.Errorf("%w: TWILIO_API_KEY and TWILIO_API_SECRET must be set together", ErrNoCredentials)
	case token != "":
		return New(account, token, opts...)
	default:
		return nil, fmt.Errorf("%w: set TWILIO_AUTH_TOKEN, or TWILIO_API_KEY and TWILIO_API_SECRET", ErrNoCredentials)
	}
}

// User returns the conversations of one user of the account's default
// conversation service; user is the user's SID (US...) or identity.
func (c *Client) User(user string) UserConversations {
	return UserConversations{c: c, user: user}
}

// Service returns a named conversation service (its SID is IS...), whose
// users' conversations live under /v1/Services/{ChatServiceSid}/Users.
func (c *Client) Service(chatServiceSID string) Service {
	return Service{c: c, sid: chatServiceSID}
}

// editRequest adds what every request carries, whether the generated client
// built it or it follows a next_page_url.
func (c *Client) editRequest(_ context.Context, req *http.Request) error {
	req.SetBasicAuth(c.username, c.password)
	req.Header.Set("User-Agent", c.userAgent)
	req.Header.Set("Accept", "application/json")
	return nil
}

// getPage fetches a list page by its absolute URL, as given in
// meta.next_page_url, with the same credentials, user agent and retries as
// every other request.
func (c *Client) getPage(ctx context.Context, pageURL string) (*UserConversationPage, error) {
	if u, err := url.Parse(pageURL); err != nil || !u.IsAbs() {
		return nil, fmt.Errorf("client: next_page_url %q is not an absolute URL", pageURL)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, pageURL, nil)
	if err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	if err := c.editRequest(ctx, req); err != nil {
		return nil, err
	}
	rsp, err := c.hc.Do(req)
	// Pages have the same shape at the default and the service paths.
	return decode(rsp, err, conversations.ParseListUserConversationResponse)
}

// jsonAnswer is what the generated Parse... functions return for an
// operation whose 200 answer is a T.
type jsonAnswer[T any] interface {
	GetJSON200() *T
	StatusCode() int
	ContentType() string
}

// decode turns the outcome of one generated call into its 200 body or an
// error: *Error for a non-2xx answer, the transport error as is.
func decode[T any, R jsonAnswer[T]](rsp *http.Response, err error, parse func(*http.Response) (R, error)) (*T, error) {
	if err != nil {
		return nil, err
	}
	if err := checkStatus(rsp); err != nil {
		return nil, err
	}
	answer, err := parse(rsp)
	if err != nil {
		return nil, fmt.Errorf("client: decoding the answer: %w", err)
	}
	v := answer.GetJSON200()
	if v == nil {
		return nil, fmt.Errorf("client: unexpected answer: HTTP %d, Content-Type %q", answer.StatusCode(), answer.ContentType())
	}
	return v, nil
}
