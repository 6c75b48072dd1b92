// Package server is a stateful, contract-validated stub of Twilio
// Conversations' User Conversation API. Every request to the Twilio API
// passes, in order: the request journal (with the admin API on), panic
// recovery, the request log, CORS, the body limit, authentication (HTTP
// Basic), validation against the embedded OpenAPI spec, fault injection
// (with the admin API on), optionally response validation, and then thin
// handlers over a store.Store.
//
// The admin API (package admin, api/admin.yaml) is served under /_stub/,
// which the Twilio API's authentication and validation pass by. Its
// operations share recovery, the request log and CORS, then each has its
// own chain: the admin token guard (not on the health check), a larger body
// limit, YAML bodies read as JSON, validation against the admin spec,
// optionally response validation.
//
// One error handler turns every failure, of either API, into Twilio's
// error JSON.
package server

import (
	"context"
	"errors"
	"fmt"
	"github.com/twilio-stubs/userconversations/gen/adminserver"
	"github.com/twilio-stubs/userconversations/gen/conversationsserver"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/twilio-stubs/userconversations/server/admin"
	"github.com/twilio-stubs/userconversations/server/store"
	"github.com/twilio-stubs/userconversations/server/validator"
)

// AdminBodyLimit caps admin request bodies: a fixture document of a large
// world is far bigger than any Twilio API request.
const AdminBodyLimit = "32M"

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
	// BodyLimit caps request bodies, in echo's notation ("64K"); default 64K.
	BodyLimit string
	// PageTokenKey signs page tokens; empty means a random key per Server.
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
	// JournalSize is how many requests the journal keeps (the latest);
	// 0 means 1000.
	JournalSize int
}

// Server serves the User Conversation API; it is an http.Handler.
type Server struct {
	echo      *echo.Echo
	store     store.Store
	tokens    tokenCodec
	publicURL string
	logger    *slog.Logger
	// lastBase is the last request base URL that passed requestBase's check.
	lastBase atomic.Pointer[string]
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
	bodyLimit := cfg.BodyLimit
	if bodyLimit == "" {
		bodyLimit = "64K"
	}
	tokens, err := newTokenCodec(cfg.PageTokenKey)
	if err != nil {
		return nil, fmt.Errorf("server: page token key: %w", err)
	}
	spec, err := conversationsserver.GetSwagger()
	if err != nil {
		return nil, fmt.Errorf("server: embedded spec: %w", err)
	}
	adminSpec, err := adminserver.GetSpec()
	if err != nil {
		return nil, fmt.Errorf("server: embedded admin spec: %w", err)
	}
	// Only the admin API's reset needs the fixtures: without it, keeping a
	// second copy of the world would only give the GC more to scan.
	var fixtures store.World
	if cfg.AdminToken != "" {
		fixtures = cfg.Fixtures
		if len(fixtures.Accounts) == 0 {
			if fixtures, err = cfg.Store.Snapshot(context.Background()); err != nil {
				return nil, fmt.Errorf("server: snapshot of the fixtures: %w", err)
			}
		}
	}
	adm, err := admin.New(admin.Config{
		Store:       cfg.Store,
		Fixtures:    fixtures,
		Token:       cfg.AdminToken,
		JournalSize: cfg.JournalSize,
		API:         spec,
		Account:     accountOf,
		Skipper:     isStubPath,
	})
	if err != nil {
		return nil, fmt.Errorf("server: %w", err)
	}
	s := &Server{
		echo:      echo.New(),
		store:     cfg.Store,
		tokens:    tokens,
		publicURL: strings.TrimSuffix(cfg.PublicURL, "/"),
		logger:    logger,
	}

	e := s.echo
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = HTTPErrorHandler(logger)
	validatorOptions := func(skipper func(echo.Context) bool, onError validator.ErrorHandler) *validator.Options {
		return &validator.Options{
			Skipper:      skipper,
			ErrorHandler: onError,
			Options: openapi3filter.Options{
				AuthenticationFunc:      openapi3filter.NoopAuthenticationFunc, // authenticated already
				SchemaValidationOptions: validator.SchemaOptions(),
			},
		}
	}
	requestValidator, err := validator.RequestValidator(spec, validatorOptions(isStubPath, nil))
	if err != nil {
		return nil, err
	}
	adminValidator, err := validator.RequestValidator(adminSpec, validatorOptions(nil, admin.ValidationError))
	if err != nil {
		return nil, err
	}
	var responseValidator echo.MiddlewareFunc
	if cfg.ValidateResponses {
		responseValidator = validator.ResponseValidator(&validator.ResponseOptions{
			Options: openapi3filter.Options{
				IncludeResponseStatus:   true,
				SchemaValidationOptions: validator.SchemaOptions(),
			},
			OnInvalid: func(c echo.Context, status int, err error) {
				logger.Error("response breaks the spec", "method", c.Request().Method, "path", c.Request().URL.Path, "status", status, "error", err)
			},
		})
	}

	// The Twilio API's chain; /_stub/ paths pass its Twilio-only steps by.
	var chain []echo.MiddlewareFunc
	if adm.Enabled() {
		chain = append(chain, adm.Record()) // first: it sees every answer
	}
	chain = append(chain,
		recoverPanics(logger),
		requestLog(logger),
		cors,
		middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{Skipper: isStubPath, Limit: bodyLimit}),
		authenticate(cfg.Store),
		requestValidator,
	)
	if adm.Enabled() {
		chain = append(chain, adm.InjectFaults()) // after: the account and operation are known
	}
	if responseValidator != nil {
		chain = append(chain, responseValidator) // after: faults answer off the spec (503) or not at all
	}
	e.Use(chain...)
	conversationsserver.RegisterHandlers(e, s)

	// The admin API's own steps, per operation, after the shared ones.
	adminChain := []echo.MiddlewareFunc{middleware.BodyLimit(AdminBodyLimit), adm.YAMLBodies(), adminValidator}
	if responseValidator != nil {
		adminChain = append(adminChain, responseValidator)
	}
	adm.Register(e, adminChain...)
	return s, nil
}

// ServeHTTP makes Server an http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.echo.ServeHTTP(w, r)
}
