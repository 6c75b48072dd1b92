// Package admin is the stub's admin API under /_stub/ (api/admin.yaml) and
// the two things it operates on the Twilio API: the request journal and
// fault injection.
//
// The server package assembles it: Record goes first in the Twilio API's
// middleware chain, InjectFaults right after request validation, and
// Register mounts the admin operations, each behind the token guard (the
// health check excepted) and whatever middleware the server adds, such as
// request validation against the admin spec. Failures are returned as
// *Error, which the server's one error handler writes as Twilio's error
// JSON.
//
// The admin API is off unless Config.Token is set: every operation but the
// health check then answers 404, and neither the journal nor the faults are
// installed.
package admin

import (
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"github.com/twilio-stubs/userconversations/gen/adminserver"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

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
	// Token turns the admin API on: every admin call but the health check
	// must carry "Authorization: Bearer <Token>". Empty leaves it off.
	Token string
	// JournalSize bounds the request journal; 0 means DefaultJournalSize.
	JournalSize int
	// API is the Twilio API's spec: its operationIds name the operations
	// that faults match and the journal records.
	API *openapi3.T
	// Account returns the account a Twilio API request authenticated as,
	// or "" when it did not (yet).
	Account func(echo.Context) string
	// Skipper tells the requests that are not the Twilio API's; Record and
	// InjectFaults pass them by. Nil means paths under PathPrefix.
	Skipper middleware.Skipper
}

// Admin holds the admin API's state: the fixtures to reset to, the journal
// and the faults. It is safe for concurrent use.
type Admin struct {
	store    store.Store
	fixtures store.World
	token    string
	tokenSum [sha256.Size]byte
	journal  *Journal
	faults   *Faults
	ops      operations
	account  func(echo.Context) string
	skip     middleware.Skipper
	// adminOps are the admin API's operationIds, each with whether it is
	// open to callers without the token (the health check).
	adminOps map[string]bool
	// yamlRoutes are the admin routes that take a YAML body.
	yamlRoutes map[string]bool
}

// New builds an Admin from cfg.
func New(cfg Config) (*Admin, error) {
	if cfg.Store == nil || cfg.API == nil {
		return nil, errors.New("admin: Config.Store and Config.API are required")
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
	spec, err := adminserver.GetSpec()
	if err != nil {
		return nil, fmt.Errorf("admin: embedded admin spec: %w", err)
	}
	a := &Admin{
		store:      cfg.Store,
		fixtures:   cfg.Fixtures.Clone(),
		token:      cfg.Token,
		tokenSum:   sha256.Sum256([]byte(cfg.Token)),
		journal:    NewJournal(size),
		faults:     NewFaults(),
		ops:        newOperations(cfg.API),
		account:    cfg.Account,
		skip:       cfg.Skipper,
		adminOps:   adminOperations(spec),
		yamlRoutes: yamlRoutes(spec),
	}
	if a.account == nil {
		a.account = func(echo.Context) string { return "" }
	}
	if a.skip == nil {
		a.skip = func(c echo.Context) bool { return strings.HasPrefix(c.Request().URL.Path, PathPrefix) }
	}
	return a, nil
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

// Journal returns the request journal.
func (a *Admin) Journal() *Journal { return a.journal }

// Faults returns the fault registry.
func (a *Admin) Faults() *Faults { return a.faults }

// Register mounts the admin operations on e. Each operation gets the token
// guard first (except the open ones, the health check), then mw in order.
func (a *Admin) Register(e *echo.Echo, mw ...echo.MiddlewareFunc) {
	perOperation := make(map[string][]echo.MiddlewareFunc, len(a.adminOps))
	for id, open := range a.adminOps {
		chain := make([]echo.MiddlewareFunc, 0, len(mw)+1)
		if !open {
			chain = append(chain, a.guard)
		}
		perOperation[id] = append(chain, mw...)
	}
	adminserver.RegisterHandlersWithOptions(e, &handlers{a}, adminserver.RegisterHandlersOptions{OperationMiddlewares: perOperation})
}

// adminOperations returns every operationId of the admin spec, each with
// whether it is open: its security requirement is empty (`security: []`).
func adminOperations(spec *openapi3.T) map[string]bool {
	ops := make(map[string]bool)
	for _, item := range spec.Paths.Map() {
		for _, op := range item.Operations() {
			ops[op.OperationID] = op.Security != nil && len(*op.Security) == 0
		}
	}
	return ops
}

// guard answers 404 while the admin API is off, and 401 unless the request
// carries the admin token as a bearer token. Tokens are compared by their
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
			return errUnauthorized()
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
