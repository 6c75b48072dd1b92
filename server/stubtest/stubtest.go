// Package stubtest starts an isolated User Conversation stub for one test,
// seeds it, and checks what the code under test sent:
//
//	stub := stubtest.New(t, stubtest.WithWorld(stubtest.World{
//		Users:         []string{"alice"},
//		Conversations: []stubtest.Conversation{{UniqueName: "general", Messages: 120, Members: []stubtest.Member{{User: "alice", ReadUpTo: new(100)}}}},
//	}))
//	stub.Fault(stubtest.Fault{Operation: "FetchUserConversation", Status: 429, Times: 1})
//	// ... the code under test, given stub.Client() or stub.HTTPClient()
//	stub.AssertRequested(t, stubtest.Match{Operation: "UpdateUserConversation", User: "alice", Form: url.Values{"LastReadMessageIndex": {"119"}}})
//
// The stub validates every request and response against the spec (an
// off-contract response fails as a 500), serves on loopback, and shuts
// down with the test. Parallel tests each get their own stub and state.
// Its admin API is on, behind a random token the helpers send; Admin
// returns its generated client for anything they do not cover.
package stubtest

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/twilio-stubs/userconversations/client"
	admingen "github.com/twilio-stubs/userconversations/gen/admin"
	fixturesgen "github.com/twilio-stubs/userconversations/gen/fixtures"
	"github.com/twilio-stubs/userconversations/server"
	"github.com/twilio-stubs/userconversations/server/fixtures"
	"github.com/twilio-stubs/userconversations/server/store"
	"github.com/twilio-stubs/userconversations/server/store/memory"
)

// Stub is a running stub server.
type Stub struct {
	// URL is the stub's base URL, http://127.0.0.1:port.
	URL string
	// AccountSID and AuthToken are the credentials of the world's first
	// account.
	AccountSID string
	AuthToken  string
	// Store is the stub's state, for arranging and asserting directly.
	Store store.Store
	// AdminToken is the admin API's bearer token (random unless
	// WithAdminToken set it); empty when WithoutAdmin turned it off.
	AdminToken string

	// tb is the test New started the stub for; nil after Start.
	tb    testing.TB
	close func()
}

type settings struct {
	world      store.World
	err        error
	adminToken string
	noAdmin    bool
	config     func(*server.Config)
	httpServer func(*http.Server)
}

// Option configures New and Start.
type Option func(*settings)

// WithFixtures seeds the stub from a fixtures file (YAML or JSON).
func WithFixtures(path string) Option {
	return func(s *settings) { s.world, s.err = fixtures.Load(path) }
}

// WithWorld seeds the stub with w, a world written in Go.
func WithWorld(w World) Option {
	return func(s *settings) { s.world, s.err = w.Build() }
}

// WithFixtureDocument seeds the stub with a whole fixture document written
// in Go (several accounts or services, API keys, dates), checked and
// completed as a fixtures file is.
func WithFixtureDocument(doc fixturesgen.Fixtures) Option {
	return func(s *settings) { s.world, s.err = fixtures.FromDocument(doc) }
}

// WithStoreWorld seeds the stub with w as it is: every SID and default
// spelled out.
func WithStoreWorld(w store.World) Option {
	return func(s *settings) { s.world, s.err = w, nil }
}

// WithAdminToken sets the admin API's token, for a test that sends it
// itself (the helpers and Admin send it already).
func WithAdminToken(token string) Option {
	return func(s *settings) { s.adminToken, s.noAdmin = token, false }
}

// WithoutAdmin turns the admin API off, and with it the journal and the
// faults, as the binary has them without --admin-token: every /_stub/
// path but the health check answers 404. Requests, Fault and Reset then
// fail the test.
func WithoutAdmin() Option {
	return func(s *settings) { s.adminToken, s.noAdmin = "", true }
}

// WithConfig adjusts the server configuration before the stub starts; it
// runs after the other options have made theirs, and after any earlier
// WithConfig. A Store it sets is the one the stub serves and Stub.Store.
func WithConfig(configure func(*server.Config)) Option {
	return func(s *settings) {
		earlier := s.config
		if earlier == nil {
			s.config = configure
			return
		}
		s.config = func(c *server.Config) { earlier(c); configure(c) }
	}
}

// WithHTTPServer adjusts the stub's http.Server before it starts: it has
// the binary's timeouts (server.NewHTTPServer) unless changed here.
func WithHTTPServer(configure func(*http.Server)) Option {
	return func(s *settings) { s.httpServer = configure }
}

// New starts a stub for t, seeded with the demo world unless an option says
// otherwise, and stops it when t ends.
func New(t testing.TB, opts ...Option) *Stub {
	t.Helper()
	stub, err := Start(opts...)
	if err != nil {
		t.Fatalf("stubtest: %v", err)
	}
	stub.tb = t
	t.Cleanup(stub.Close)
	return stub
}

// Start starts a stub outside a test (in an Example, a TestMain or a
// program); Close stops it. Options are as for New.
func Start(opts ...Option) (*Stub, error) {
	set := settings{world: fixtures.Demo()}
	for _, opt := range opts {
		opt(&set)
	}
	if set.err != nil {
		return nil, set.err
	}
	if set.adminToken == "" && !set.noAdmin {
		set.adminToken = rand.Text()
	}
	st := memory.New()
	if err := st.Load(context.Background(), set.world); err != nil {
		return nil, err
	}
	cfg := server.Config{Store: st, ValidateResponses: true, Fixtures: set.world, AdminToken: set.adminToken}
	if set.config != nil {
		set.config(&cfg)
	}
	srv, err := server.New(cfg)
	if err != nil {
		return nil, err
	}
	ts := httptest.NewUnstartedServer(srv)
	// The binary's timeouts and limits, on httptest's listener.
	like := server.NewHTTPServer(srv)
	ts.Config.ReadHeaderTimeout, ts.Config.ReadTimeout = like.ReadHeaderTimeout, like.ReadTimeout
	ts.Config.WriteTimeout, ts.Config.IdleTimeout = like.WriteTimeout, like.IdleTimeout
	ts.Config.MaxHeaderBytes = like.MaxHeaderBytes
	if set.httpServer != nil {
		set.httpServer(ts.Config)
	}
	ts.Start()

	// The server's own Close comes after the requests': with a shared
	// store, it writes the journal's last entries.
	stub := &Stub{URL: ts.URL, Store: cfg.Store, AdminToken: cfg.AdminToken, close: func() { ts.Close(); srv.Close() }}
	if len(set.world.Accounts) > 0 {
		stub.AccountSID = set.world.Accounts[0].SID
		stub.AuthToken = set.world.Accounts[0].AuthToken
	}
	return stub, nil
}

// Close stops the stub, waiting for requests in flight.
func (s *Stub) Close() { s.close() }

// Client returns the project's Go client, pointed at the stub with the
// first account's credentials; opts come after those and may override them.
func (s *Stub) Client(opts ...client.Option) *client.Client {
	c, err := client.New(s.AccountSID, s.AuthToken, append([]client.Option{client.WithBaseURL(s.URL)}, opts...)...)
	if err != nil {
		panic("stubtest: client: " + err.Error())
	}
	return c
}

// Admin returns the generated client of the stub's admin API, sending the
// admin token as a bearer token. WithoutAdmin, only GetHealth answers;
// every other call is a 404.
func (s *Stub) Admin() *admingen.ClientWithResponses {
	opts := []admingen.ClientOption{admingen.WithHTTPClient(&http.Client{Transport: defaultTransport})}
	if s.AdminToken != "" {
		opts = append(opts, admingen.WithRequestEditorFn(func(_ context.Context, req *http.Request) error {
			req.Header.Set("Authorization", "Bearer "+s.AdminToken)
			return nil
		}))
	}
	c, err := admingen.NewClientWithResponses(s.URL, opts...)
	if err != nil {
		panic("stubtest: admin client: " + err.Error())
	}
	return c
}

// HTTPClient returns a client that sends every request, whatever its URL
// (https://conversations.twilio.com/... included), to the stub. Give it to
// Twilio's Go library and it talks to the stub unchanged.
func (s *Stub) HTTPClient() *http.Client {
	target, err := url.Parse(s.URL)
	if err != nil {
		panic("stubtest: bad stub URL: " + err.Error())
	}
	return &http.Client{
		Transport: &Redirect{Target: target},
		// Twilio's libraries expect redirects to be returned, not followed.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// Redirect is an http.RoundTripper that sends every request to Target's
// scheme and host, keeping path and query.
type Redirect struct {
	Target *url.URL
	// Base carries the requests; nil means a fresh http.Transport.
	Base http.RoundTripper
}

// RoundTrip implements http.RoundTripper.
func (r *Redirect) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	req.URL.Scheme, req.URL.Host, req.Host = r.Target.Scheme, r.Target.Host, r.Target.Host
	base := r.Base
	if base == nil {
		base = defaultTransport
	}
	return base.RoundTrip(req)
}

// defaultTransport is shared by every Redirect without a Base, so
// connections to stubs are reused across clients.
var defaultTransport http.RoundTripper = &http.Transport{
	Proxy:           nil, // the stub is on loopback; never go through a proxy
	DialContext:     (&net.Dialer{}).DialContext,
	TLSClientConfig: &tls.Config{MinVersion: tls.VersionTLS12},
	MaxIdleConns:    100, MaxIdleConnsPerHost: 100,
}
