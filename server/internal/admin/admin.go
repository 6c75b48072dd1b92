// Package admin is the stub's admin API under /_stub/ (api/admin.yaml) and
// the two things it operates on the Twilio API: the request journal and
// fault injection. In proxy mode it also serves the contract violations and
// the recording, which packages violations and recording keep.
//
// The server package assembles it: Record goes first in the Twilio API's
// chain and InjectFaults right after request validation; Guard, YAMLBodies
// and Handlers make up the admin API's own routes. Each of those is a step
// of a chain (package routes), built once per route. Failures are returned
// as *twilioerr.Error, which the server's one error handler writes as
// Twilio's error JSON.
//
// The admin API is off unless Config.Token is set: every operation but the
// health check then answers 404, and neither the journal nor the faults are
// installed.
package admin

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/twilio-stubs/userconversations/gen/adminserver"
	fixturesgen "github.com/twilio-stubs/userconversations/gen/fixtures"
	"github.com/twilio-stubs/userconversations/server/internal/routes"
	"github.com/twilio-stubs/userconversations/server/internal/violations"
	"github.com/twilio-stubs/userconversations/server/store"
)

// PathPrefix starts every admin path; no Twilio path starts so.
const PathPrefix = "/_stub/"

// DefaultJournalSize is how many requests the journal keeps unless told.
const DefaultJournalSize = 1000

// Config configures an Admin. Store and API are required.
type Config struct {
	// Store is the state the admin API resets, replaces, merges and
	// exports.
	Store store.Store
	// Fixtures is the world POST /_stub/reset returns to: the fixtures the
	// store was loaded with at start. It is copied; later changes to it
	// have no effect.
	Fixtures store.World
	// ReadFixtures, if not nil, gives the world reset returns to in
	// place of Fixtures: every reset calls it, and it returns the same
	// world each time. The binary's waits for its fixtures file, which it
	// reads after it has started serving a durable store that held a
	// world already. Its error is the reset's answer.
	ReadFixtures func(context.Context) (store.World, error)
	// Journal keeps the request journal; nil keeps it in memory
	// (NewJournal, within JournalSize and JournalBytes).
	Journal JournalStore
	// Faults keeps the fault rules; nil keeps them in memory (NewFaults).
	Faults FaultStore
	// Token turns the admin API on: every admin call but the health check
	// must carry "Authorization: Bearer <Token>". Empty leaves it off.
	Token string
	// JournalSize bounds the request journal's entries; 0 means
	// DefaultJournalSize.
	JournalSize int
	// JournalBytes bounds the request journal's memory; 0 means
	// DefaultJournalBytes.
	JournalBytes int64
	// Operations are the Twilio API's routes: faults name an operation by
	// its operationId.
	Operations *routes.Table
	// Account returns the account a Twilio API request authenticated as,
	// or "" when it did not (yet).
	Account func(echo.Context) string
	// RequestID returns the Twilio-Request-Id of a Twilio API request.
	RequestID func(echo.Context) string
	// StampDuration sets Twilio-Request-Duration in h as an answer goes
	// out: a truncated answer is written to the connection by the faults,
	// past the writer that sets it otherwise. nil leaves h as it is.
	StampDuration func(echo.Context, http.Header)
	// MaxFormBytes bounds the request bodies whose form fields the journal
	// keeps: the Twilio API's body limit. 0 means 64,000.
	MaxFormBytes int64
	// Metrics serves GET /_stub/metrics; nil answers 404.
	Metrics http.Handler
	// AnswerError returns the Twilio error code and message a request was
	// answered with, for the journal; 0 and "" for a success. Nil records
	// none.
	AnswerError func(echo.Context) (code int, message string)
	// FaultInjected, if not nil, is told of every fault applied: the
	// operation, and what the fault did ("error", "body", "drop", "reset"
	// or "delay").
	FaultInjected func(operation, action string)
	// Violations is the log GET /_stub/violations lists and POST
	// /_stub/reset clears; nil means an empty one (outside proxy mode).
	Violations *violations.Log
	// Recording returns proxy mode's recording for GET /_stub/recording;
	// nil answers 404 (not a proxy).
	Recording func() (fixturesgen.Fixtures, bool)
}

// Admin holds the admin API's state: the fixtures to reset to, the journal
// and the faults. It is safe for concurrent use.
type Admin struct {
	store    store.Store
	fixtures func(context.Context) (store.World, error)
	token    string
	tokenSum [sha256.Size]byte
	journal  JournalStore
	// unrecorded holds the answers sent but not yet journaled.
	unrecorded *unrecorded
	guesses    *guessLimiter
	faults     FaultStore
	ops        *routes.Table
	// twins maps each operation of the default service to its
	// service-scoped twin; serviceOps holds the service-scoped ones.
	twins      map[string]string
	serviceOps map[string]bool
	account    func(echo.Context) string
	reqID      func(echo.Context) string
	stamp      func(echo.Context, http.Header)
	// maxFormBytes: see Config.MaxFormBytes.
	maxFormBytes int64
	metrics      http.Handler
	answerError  func(echo.Context) (int, string)
	faultApplied func(operation, action string)
	violations   *violations.Log
	recording    func() (fixturesgen.Fixtures, bool)
}

// New builds an Admin from cfg.
func New(cfg Config) (*Admin, error) {
	if cfg.Store == nil || cfg.Operations == nil {
		return nil, errors.New("admin: Config.Store and Config.Operations are required")
	}
	if err := CheckToken(cfg.Token); err != nil {
		return nil, fmt.Errorf("admin: %w", err)
	}
	size := cfg.JournalSize
	if size == 0 {
		size = DefaultJournalSize
	}
	if size < 0 {
		return nil, fmt.Errorf("admin: journal size %d is negative", size)
	}
	a := &Admin{
		store:        cfg.Store,
		fixtures:     cfg.ReadFixtures,
		token:        cfg.Token,
		tokenSum:     sha256.Sum256([]byte(cfg.Token)),
		journal:      cfg.Journal,
		unrecorded:   newUnrecorded(),
		guesses:      newGuessLimiter(),
		faults:       cfg.Faults,
		ops:          cfg.Operations,
		account:      cfg.Account,
		reqID:        cfg.RequestID,
		stamp:        cfg.StampDuration,
		maxFormBytes: cfg.MaxFormBytes,
		metrics:      cfg.Metrics,
		answerError:  cfg.AnswerError,
		faultApplied: cfg.FaultInjected,
		violations:   cfg.Violations,
		recording:    cfg.Recording,
	}
	if a.violations == nil {
		a.violations = violations.NewLog(violations.DefaultLogSize)
	}
	a.twins, a.serviceOps = twins(cfg.Operations)
	if a.fixtures == nil {
		fixed := cfg.Fixtures.Clone()
		a.fixtures = func(context.Context) (store.World, error) { return fixed, nil }
	}
	if a.journal == nil {
		a.journal = NewJournal(size, cfg.JournalBytes)
	}
	if a.faults == nil {
		a.faults = NewFaults()
	}
	if a.answerError == nil {
		a.answerError = func(echo.Context) (int, string) { return 0, "" }
	}
	if a.faultApplied == nil {
		a.faultApplied = func(string, string) {}
	}
	if a.maxFormBytes == 0 {
		a.maxFormBytes = 64_000
	}
	if a.account == nil {
		a.account = func(echo.Context) string { return "" }
	}
	if a.reqID == nil {
		a.reqID = func(echo.Context) string { return "" }
	}
	return a, nil
}

// twins pairs the operations of the default service (/v1/Users/...) with
// their twins under /v1/Services/{ChatServiceSid}: the same method on the
// same path below the service.
func twins(ops *routes.Table) (map[string]string, map[string]bool) {
	const servicePrefix = "/v1/Services/{" + paramService + "}/"
	pairs, scoped := map[string]string{}, map[string]bool{}
	for _, r := range ops.Routes() {
		rest, ok := strings.CutPrefix(r.Path, servicePrefix)
		if !ok {
			continue
		}
		scoped[r.OperationID] = true
		if d := ops.Lookup(r.Method, routes.EchoPath("/v1/"+rest)); d != nil {
			pairs[d.OperationID] = r.OperationID
		}
	}
	return pairs, scoped
}

// CheckToken refuses an admin token that no Authorization header carries
// unchanged: it must be printable ASCII without spaces.
func CheckToken(token string) error {
	for _, r := range token {
		if r <= ' ' || r > '~' {
			return errors.New("the admin token must be printable ASCII without spaces")
		}
	}
	return nil
}

// Enabled reports whether the admin API is on (a token is set).
func (a *Admin) Enabled() bool { return a.token != "" }

// Handlers returns the admin API's handlers, for the generated
// RegisterHandlers.
func (a *Admin) Handlers() adminserver.ServerInterface { return handlers{a} }

// Guard is the step that lets a request through to an admin operation only
// with the admin token, as a bearer token; operations the spec leaves open
// (`security: []`, the health check) need none. While the admin API is off,
// every guarded route answers 404.
func (a *Admin) Guard() routes.Step {
	return func(route *routes.Route) echo.MiddlewareFunc {
		if route != nil && route.Open {
			return nil
		}
		return a.guard
	}
}

// guard answers 404 while the admin API is off, and 401 unless the request
// carries the admin token as a bearer token (429 once its client has
// failed too often: see guessLimiter). Tokens are compared by their
// SHA-256, in constant time, so neither their content nor their length
// shows in the timing.
func (a *Admin) guard(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if !a.Enabled() {
			return errNotFound(c)
		}
		got, ok := bearerToken(c.Request().Header.Get(echo.HeaderAuthorization))
		have := sha256.Sum256([]byte(got))
		if !ok || subtle.ConstantTimeCompare(have[:], a.tokenSum[:]) != 1 {
			return a.guesses.failed(c.Request())
		}
		return next(c)
	}
}

// bearerToken returns the token of an "Authorization: Bearer <token>"
// header; the scheme is case-insensitive.
func bearerToken(header string) (string, bool) {
	scheme, token, ok := strings.Cut(strings.TrimSpace(header), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimSpace(token)
	return token, token != ""
}
