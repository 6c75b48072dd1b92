// Package server is a stateful, contract-validated stub of Twilio
// Conversations' User Conversation API. Every request passes, in order:
// panic recovery, the request log, CORS, the body limit, authentication
// (HTTP Basic), validation against the embedded OpenAPI spec, optionally
// response validation, and then thin handlers over a store.Store. One error
// handler turns every failure into Twilio's error JSON.
package server

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/twilio-stubs/userconversations/gen/conversations"
	"github.com/twilio-stubs/userconversations/server/store"
	"github.com/twilio-stubs/userconversations/server/validator"
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
	// BodyLimit caps request bodies, in echo's notation ("64K"); default 64K.
	BodyLimit string
	// PageTokenKey signs page tokens; empty means a random key per Server.
	PageTokenKey []byte
}

// Server serves the User Conversation API; it is an http.Handler.
type Server struct {
	echo      *echo.Echo
	store     store.Store
	tokens    tokenCodec
	publicURL string
	logger    *slog.Logger
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
	spec, err := conversations.GetSwagger()
	if err != nil {
		return nil, fmt.Errorf("server: embedded spec: %w", err)
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
	requestValidator, err := validator.RequestValidator(spec, &validator.Options{
		Skipper: isStubPath,
		Options: openapi3filter.Options{
			AuthenticationFunc:      openapi3filter.NoopAuthenticationFunc, // authenticate() ran already
			SchemaValidationOptions: validator.SchemaOptions(),
		},
	})
	if err != nil {
		return nil, err
	}
	e.Use(
		recoverPanics(logger),
		requestLog(logger),
		cors,
		middleware.BodyLimit(bodyLimit),
		authenticate(cfg.Store),
		requestValidator,
	)
	if cfg.ValidateResponses {
		e.Use(validator.ResponseValidator(&validator.ResponseOptions{
			Options: openapi3filter.Options{
				IncludeResponseStatus:   true,
				SchemaValidationOptions: validator.SchemaOptions(),
			},
			OnInvalid: func(c echo.Context, status int, err error) {
				logger.Error("response breaks the spec", "method", c.Request().Method, "path", c.Request().URL.Path, "status", status, "error", err)
			},
		}))
	}
	conversations.RegisterHandlers(e, s)
	return s, nil
}

// ServeHTTP makes Server an http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.echo.ServeHTTP(w, r)
}

// Echo exposes the underlying echo instance, so more routes (such as the
// admin API) can be mounted beside the Twilio API.
func (s *Server) Echo() *echo.Echo { return s.echo }
