// Package server is a stateful, contract-validated stub of Twilio
// Conversations' User Conversation API, and the one place where it is
// assembled: New wires the Twilio API (package twilioapi, or in proxy mode
// package proxy) and the stub's admin API (package admin) onto one echo
// instance, each as a group with its own chain of middleware, and
// HTTPErrorHandler turns every failure of either into Twilio's error JSON.
// NewHTTPServer and Serve run it.
//
// docs/architecture.md draws the request path of each API.
package server

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/twilio-stubs/userconversations/gen/adminserver"
	"github.com/twilio-stubs/userconversations/gen/conversationsserver"
	"github.com/twilio-stubs/userconversations/gen/dashboardserver"
	fixturesgen "github.com/twilio-stubs/userconversations/gen/fixtures"
	"github.com/twilio-stubs/userconversations/server/internal/admin"
	"github.com/twilio-stubs/userconversations/server/internal/dashboard"
	"github.com/twilio-stubs/userconversations/server/internal/httpmw"
	"github.com/twilio-stubs/userconversations/server/internal/metrics"
	"github.com/twilio-stubs/userconversations/server/internal/proxy"
	"github.com/twilio-stubs/userconversations/server/internal/recording"
	"github.com/twilio-stubs/userconversations/server/internal/routes"
	"github.com/twilio-stubs/userconversations/server/internal/twilioapi"
	"github.com/twilio-stubs/userconversations/server/internal/validation"
	"github.com/twilio-stubs/userconversations/server/internal/violations"
	"github.com/twilio-stubs/userconversations/server/store"
)

// Request body limits, in bytes. The Twilio API's is what its update form
// could ever need many times over; the admin API's takes the fixture
// document of a large world.
const (
	DefaultMaxBodyBytes = 64_000
	MaxAdminBodyBytes   = 32_000_000
)

// The journal's bounds unless told otherwise: 1,000 requests, 8 MiB.
const (
	DefaultJournalSize  = admin.DefaultJournalSize
	DefaultJournalBytes = admin.DefaultJournalBytes
)

// Config configures a Server. Store is required.
type Config struct {
	Store store.Store
	// PublicURL is the scheme://host[:port] the absolute URLs in responses
	// start with; empty means the scheme and Host of each request.
	PublicURL string
	// ValidateResponses checks every response against the spec and
	// answers 500 instead of sending one that breaks it. Tests turn it on.
	ValidateResponses bool
	// Logger receives the request log and errors; nil discards them.
	Logger *slog.Logger
	// MaxBodyBytes caps Twilio API request bodies; 0 means
	// DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// PageTokenKey signs page tokens. Empty means the key a store.Shared
	// keeps for every replica on its database (made on first use), and a
	// random key per Server for any other store.
	PageTokenKey []byte

	// AdminToken turns the admin API under /_stub/ on: every admin call but
	// GET /_stub/health must then carry "Authorization: Bearer
	// <AdminToken>". Empty leaves it off (404), and the request journal and
	// fault injection with it.
	AdminToken string
	// Fixtures is the world POST /_stub/reset returns to: the fixtures
	// Store was loaded with. Without accounts, it is the Store's state
	// when New is called.
	Fixtures store.World
	// ReadFixtures, if not nil, gives the world reset returns to in place
	// of Fixtures: each reset calls it, and it returns the same world each
	// time (it may wait for it to be read). The binary uses it when a
	// durable store already held a world at start: it serves at once, and
	// reads its fixtures meanwhile.
	ReadFixtures func(context.Context) (store.World, error)
	// JournalSize is how many requests the journal keeps (the latest);
	// 0 means DefaultJournalSize.
	JournalSize int
	// JournalBytes bounds the journal's memory; 0 means
	// DefaultJournalBytes. Each entry is bounded too (see
	// docs/operating.md#limits).
	JournalBytes int64

	// Upstream, when set, makes the stub a validating proxy
	// (docs/proxy.md): every Twilio API request is validated, then
	// forwarded to this base URL (https://conversations.twilio.com, say)
	// with the caller's credentials, which the stub does not check; the
	// upstream's answers are checked against the spec, every violation
	// reported, and returned as sent. Store then serves the admin API's
	// state operations only. ValidateResponses does not apply to the
	// proxied answers: they are passed on, or (UpstreamStrict) refused.
	Upstream string
	// UpstreamTimeout bounds each exchange with the upstream; 0 means
	// DefaultUpstreamTimeout.
	UpstreamTimeout time.Duration
	// UpstreamStrict answers 502 instead of passing on an upstream answer
	// that breaks the spec.
	UpstreamStrict bool
}

// DefaultUpstreamTimeout bounds an upstream exchange unless told
// otherwise; MaxUpstreamTimeout leaves room in the write timeout for the
// 504.
const (
	DefaultUpstreamTimeout = proxy.DefaultTimeout
	MaxUpstreamTimeout     = proxy.MaxTimeout
)

// Server serves the User Conversation API and the admin API; it is an
// http.Handler. Close it when done.
type Server struct {
	echo     *echo.Echo
	recorder *recording.Recorder // nil outside proxy mode
	// closers are what New started for a store.Shared: the shared
	// journal's writer and the shared faults' poller.
	closers []io.Closer
}

// New builds a Server from cfg.
func New(cfg Config) (*Server, error) {
	if cfg.Store == nil {
		return nil, errors.New("server: Config.Store is required")
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	maxBody := cfg.MaxBodyBytes
	if maxBody == 0 {
		maxBody = DefaultMaxBodyBytes
	}
	// Both specs are loaded by kin-openapi only when a request needs more
	// than the compiled checks: start-up does without their CPU
	// (routes.NewLazy).
	twilioRoutes, err := routes.FromEmbedded(conversationsserver.PathToRawSpec, conversationsserver.GetSpec)
	if err != nil {
		return nil, fmt.Errorf("server: the Twilio API's spec: %w", err)
	}
	adminRoutes, err := routes.FromEmbedded(adminserver.PathToRawSpec, adminserver.GetSpec)
	if err != nil {
		return nil, fmt.Errorf("server: the admin API's spec: %w", err)
	}
	shared, _ := cfg.Store.(store.Shared)
	if len(cfg.PageTokenKey) == 0 && shared != nil && cfg.Upstream == "" {
		if cfg.PageTokenKey, err = shared.Secret(context.Background(), pageTokenKeyName, pageTokenKeySize); err != nil {
			return nil, fmt.Errorf("server: the page token key: %w", err)
		}
	}
	counts := metrics.New(cfg.Store)
	contract := &violations.Reporter{Log: violations.NewLog(violations.DefaultLogSize), Logger: logger, Count: counts.ContractViolation}
	twilio, err := twilioSide(cfg, twilioRoutes, contract)
	if err != nil {
		return nil, err
	}
	// Only the admin API's reset needs the fixtures: without it, keeping a
	// second copy of the world would only give the GC more to scan.
	var fixtures store.World
	if cfg.AdminToken != "" && cfg.ReadFixtures == nil {
		fixtures = cfg.Fixtures
		if len(fixtures.Accounts) == 0 {
			if fixtures, err = cfg.Store.Snapshot(context.Background()); err != nil {
				return nil, fmt.Errorf("server: snapshot of the fixtures: %w", err)
			}
		}
	}
	srv := &Server{}
	var journal admin.JournalStore
	var faults admin.FaultStore
	if cfg.AdminToken != "" && shared != nil {
		sharedFaults, err := admin.NewSharedFaults(context.Background(), shared, logger)
		if err != nil {
			return nil, fmt.Errorf("server: the fault rules: %w", err)
		}
		sharedJournal := admin.NewSharedJournal(shared, cmp.Or(cfg.JournalSize, DefaultJournalSize), cfg.JournalBytes, logger)
		journal, faults = sharedJournal, sharedFaults
		srv.closers = append(srv.closers, sharedJournal, sharedFaults)
	}
	adm, err := admin.New(admin.Config{
		Store:         cfg.Store,
		Fixtures:      fixtures,
		ReadFixtures:  cfg.ReadFixtures,
		Journal:       journal,
		Faults:        faults,
		Token:         cfg.AdminToken,
		JournalSize:   cfg.JournalSize,
		JournalBytes:  cfg.JournalBytes,
		Operations:    twilioRoutes,
		RequestID:     httpmw.RequestID,
		StampDuration: httpmw.StampDuration,
		Account:       httpmw.Account,
		MaxFormBytes:  maxBody,
		Metrics:       counts.Handler(),
		AnswerError:   httpmw.AnswerError,
		FaultInjected: counts.FaultInjected,

		Violations: contract.Log,
		Recording:  twilio.recording(),
	})
	if err != nil {
		srv.Close()
		return nil, fmt.Errorf("server: %w", err)
	}
	// The dashboard (/_stub/ui) is on with the admin API it drives.
	ui, err := dashboard.New(dashboard.Config{On: adm.Enabled(), Operations: twilioRoutes.Operations()})
	if err != nil {
		srv.Close() // the shared journal's writer and the fault poller
		return nil, fmt.Errorf("server: %w", err)
	}

	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.SchemeExtractor = httpmw.Scheme
	e.HTTPErrorHandler = HTTPErrorHandler(logger)
	e.JSONSerializer = httpmw.JSONSerializer{}

	var validateResponses routes.Step
	if cfg.ValidateResponses {
		validateResponses = validation.Response(func(c echo.Context, status int, err error) {
			logger.Error("response breaks the spec", "method", c.Request().Method, "path", c.Request().URL.Path, "status", status, "error", err)
		})
	}

	// The Twilio API. Twilio's request id comes first, for the journal to
	// record; the journal then sees every answer, and the metrics next,
	// outside the steps that render errors. Faults act on authenticated,
	// valid requests only, and before the response is held for
	// validation, so that they can drop the connection and answer off the
	// spec (a 503) on purpose. In proxy mode, the upstream checks the
	// credentials, the body is kept for forwarding before validation reads
	// it, and the proxy checks the upstream's answers itself.
	twilioResponses := validateResponses
	if twilio.proxy != nil {
		twilioResponses = nil
	}
	group := routes.NewGroup(e, twilioRoutes, steps(
		always(httpmw.TwilioHeaders),
		adm.Record(),
		counts.Count(apiTwilio, httpmw.Account),
		always(httpmw.Recover(logger)),
		always(httpmw.RequestLog(logger)),
		always(httpmw.TwilioCORS),
		always(httpmw.BodyLimit(maxBody)),
		twilio.authenticate,
		twilio.keepBody,
		validation.Request(nil, requestRefused(counts, apiTwilio, twilio.proxy != nil, contract)),
		adm.InjectFaults(),
		twilioResponses,
	)...)
	conversationsserver.RegisterHandlers(group, twilio.handlers)
	group.Finish("/")

	// The admin API, under /_stub/, and the dashboard, whose routes are
	// the admin spec's too. Fixture documents (YAML or JSON) are validated
	// as their handlers parse them.
	stub := routes.NewGroup(e, adminRoutes, steps(
		counts.Count(apiAdmin, noAccount),
		always(httpmw.Recover(logger)),
		always(httpmw.RequestLog(logger)),
		always(httpmw.AdminCORS),
		adm.Guard(),
		ui.Step(),
		always(httpmw.BodyLimit(MaxAdminBodyBytes)),
		validation.Request(admin.FixtureDocument, requestRefused(counts, apiAdmin, false, nil)),
		validateResponses,
	)...)
	adminserver.RegisterHandlers(stub, adm.Handlers())
	dashboardserver.RegisterHandlers(stub, ui)
	stub.Finish(admin.PathPrefix)

	srv.echo, srv.recorder = e, twilio.recorder
	return srv, nil
}

// The secret a store.Shared keeps for page tokens: every replica on the
// database signs and checks them with it, so a page token minted by one
// works on another.
const (
	pageTokenKeyName = "page-token-key"
	pageTokenKeySize = 32
)

// Close stops what the Server runs beside its requests: with a
// store.Shared and the admin API on, it writes the journal entries still
// queued and stops polling the fault rules. Close it after the HTTP
// server has stopped, and before the store.
func (s *Server) Close() error {
	var errs []error
	for _, c := range s.closers {
		errs = append(errs, c.Close())
	}
	return errors.Join(errs...)
}

// twilioAPI is what serves the Twilio API: the store's handlers, or in
// proxy mode the proxy's, and the steps that differ between the two.
type twilioAPI struct {
	handlers     conversationsserver.ServerInterface
	authenticate routes.Step
	keepBody     routes.Step         // nil but in proxy mode
	proxy        *proxy.Proxy        // nil but in proxy mode
	recorder     *recording.Recorder // nil but in proxy mode
}

func twilioSide(cfg Config, table *routes.Table, contract *violations.Reporter) (twilioAPI, error) {
	if cfg.Upstream == "" {
		api, err := twilioapi.New(twilioapi.Config{Store: cfg.Store, PublicURL: cfg.PublicURL, PageTokenKey: cfg.PageTokenKey})
		if err != nil {
			return twilioAPI{}, fmt.Errorf("server: %w", err)
		}
		return twilioAPI{handlers: api, authenticate: always(httpmw.Authenticate(cfg.Store, httpmw.NewAuthCache(cfg.Store)))}, nil
	}
	recorder := recording.New()
	p, err := proxy.New(proxy.Config{
		Upstream:  cfg.Upstream,
		Timeout:   cfg.UpstreamTimeout,
		PublicURL: cfg.PublicURL,
		Strict:    cfg.UpstreamStrict,
		Routes:    table,
		Reporter:  contract,
		Recorder:  recorder,
	})
	if err != nil {
		return twilioAPI{}, fmt.Errorf("server: %w", err)
	}
	return twilioAPI{
		handlers:     p.Handlers(),
		authenticate: always(httpmw.ClaimedAccount),
		keepBody:     p.KeepBody(),
		proxy:        p,
		recorder:     recorder,
	}, nil
}

// recording serves GET /_stub/recording: nil outside proxy mode.
func (t twilioAPI) recording() func() (fixturesgen.Fixtures, bool) {
	if t.recorder == nil {
		return nil
	}
	return t.recorder.Fixtures
}

// Recording returns what proxy mode has recorded of the upstream's world
// as a fixture document (docs/proxy.md); ok is false outside proxy mode
// and until an answer has shown a user conversation.
func (s *Server) Recording() (doc fixturesgen.Fixtures, ok bool) {
	if s.recorder == nil {
		return doc, false
	}
	return s.recorder.Fixtures()
}

// RecordingChanged receives after the recording changed (one signal at a
// time); nil, which never receives, outside proxy mode.
func (s *Server) RecordingChanged() <-chan struct{} {
	if s.recorder == nil {
		return nil
	}
	return s.recorder.Changed()
}

// The api label of each API's metrics.
const (
	apiTwilio = "twilio"
	apiAdmin  = "admin"
)

// noAccount is the account of every admin request: none.
func noAccount(echo.Context) string { return "" }

// requestRefused counts the requests validation refuses; in proxy mode it
// reports each as a contract violation too.
func requestRefused(m *metrics.Metrics, api string, proxied bool, contract *violations.Reporter) func(echo.Context, *routes.Route, string, error) {
	return func(c echo.Context, route *routes.Route, reason string, err error) {
		m.ValidationFailed(api, route, reason)
		if proxied {
			contract.Report(c, violations.Answer{
				Direction: violations.Request,
				Operation: route.OperationID,
				Status:    http.StatusBadRequest,
				Account:   httpmw.Account(c),
				RequestID: httpmw.RequestID(c),
			}, validation.RequestProblems(route.OpenAPI().Spec, reason, err))
		}
	}
}

// always is a step that puts the same middleware in every route's chain.
func always(mw echo.MiddlewareFunc) routes.Step {
	return func(*routes.Route) echo.MiddlewareFunc { return mw }
}

// steps drops the steps that are off (nil).
func steps(all ...routes.Step) []routes.Step {
	out := all[:0]
	for _, s := range all {
		if s != nil {
			out = append(out, s)
		}
	}
	return out
}

// ServeHTTP makes Server an http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// echo routes on the escaped path only when it differs from the
	// decoded one's default escaping; a path holding a literal "%" (sent
	// as %25) would be routed decoded, and its parameters unescaped twice.
	if r.URL.RawPath == "" && strings.IndexByte(r.URL.Path, '%') >= 0 {
		r.URL.RawPath = r.URL.EscapedPath()
	}
	s.echo.ServeHTTP(w, r)
}
