// Package httpmw holds the HTTP middleware of the stub's APIs: panic
// recovery, the request log, the CORS headers (Twilio's on the Twilio API,
// the admin API's own), and the Twilio API's credential check. The server
// package puts them in each API's chain.
package httpmw

import (
	"errors"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/twilio-stubs/userconversations/server/internal/twilioerr"
	"github.com/twilio-stubs/userconversations/server/store"
)

// Account returns the account the request authenticated as; "" when it did
// not (yet).
func Account(c echo.Context) string {
	if st := stateOf(c); st != nil {
		return st.account
	}
	return ""
}

// SetAnswerError records the Twilio error code and message the request is
// answered with, for the request log and the journal: the error handler,
// which writes every error answer, calls it.
func SetAnswerError(c echo.Context, code int, message string) {
	st := ensureState(c)
	st.code, st.message = code, message
}

// AnswerError returns what SetAnswerError recorded: 0 and "" for a request
// answered without an error.
func AnswerError(c echo.Context) (code int, message string) {
	if st := stateOf(c); st != nil {
		return st.code, st.message
	}
	return 0, ""
}

// CORS headers as Twilio sends them on every response, in canonical form
// so they are assigned without re-canonicalising on every request. The
// slices are shared by every response and never written to.
var corsHeaders = http.Header{
	echo.HeaderAccessControlAllowOrigin:      {"*"},
	echo.HeaderAccessControlAllowMethods:     {"GET, POST, DELETE, OPTIONS"},
	echo.HeaderAccessControlAllowHeaders:     {"Accept, Authorization, Content-Type, If-Match, If-Modified-Since, If-None-Match, If-Unmodified-Since, Idempotency-Key"},
	echo.HeaderAccessControlAllowCredentials: {"true"},
	echo.HeaderAccessControlExposeHeaders:    {"ETag"},
}

// TwilioCORS sets Twilio's CORS headers on every response of the Twilio
// API, exactly as Twilio sends them, and answers preflight requests itself:
// browsers send them without credentials.
func TwilioCORS(next echo.HandlerFunc) echo.HandlerFunc { return cors(corsHeaders, next) }

// adminCORSHeaders let a page on any origin call every admin operation with
// the admin token: PUT and the JSON and YAML bodies need a preflight, which
// browsers may then cache for Access-Control-Max-Age seconds (7200 is
// Chromium's ceiling). The token travels in the Authorization header, not
// in a cookie, so no credentials mode is needed.
var adminCORSHeaders = http.Header{
	echo.HeaderAccessControlAllowOrigin:   {"*"},
	echo.HeaderAccessControlAllowMethods:  {"GET, PUT, POST, DELETE, OPTIONS"},
	echo.HeaderAccessControlAllowHeaders:  {"Accept, Authorization, Content-Type"},
	echo.HeaderAccessControlExposeHeaders: {"Www-Authenticate"},
	echo.HeaderAccessControlMaxAge:        {"7200"},
}

// AdminCORS is the admin API's CORS: TwilioCORS's behaviour with
// adminCORSHeaders.
func AdminCORS(next echo.HandlerFunc) echo.HandlerFunc { return cors(adminCORSHeaders, next) }

func cors(headers http.Header, next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		header := c.Response().Header()
		for name, value := range headers {
			header[name] = value
		}
		if c.Request().Method == http.MethodOptions {
			return c.NoContent(http.StatusNoContent)
		}
		return next(c)
	}
}

// Authenticate checks HTTP Basic credentials (Account SID + auth token, or
// API key SID + secret) and records the account for the handlers. With a
// cache, a header that passed recently is not checked again (see
// AuthCache); nil checks every request.
func Authenticate(auth store.Authenticator, cache *AuthCache) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			header := c.Request().Header.Get(echo.HeaderAuthorization)
			account, ok, lookup := cache.account(header)
			if ok {
				ensureState(c).account = account
				return next(c)
			}
			username, password, ok := c.Request().BasicAuth()
			if !ok {
				return twilioerr.Unauthorized()
			}
			account, err := auth.Authenticate(c.Request().Context(), username, password)
			if errors.Is(err, store.ErrUnauthenticated) {
				return twilioerr.Unauthorized()
			}
			if err != nil {
				return err
			}
			cache.remember(lookup, account)
			ensureState(c).account = account
			return next(c)
		}
	}
}

// ClaimedAccount stands in for Authenticate in proxy mode, where the
// upstream checks the credentials: it records the account the request
// claims, its HTTP Basic user name, when that is an Account SID or an API
// key SID. The password is never read, nor a user name of another shape
// kept (it could be a secret pasted in the wrong field).
func ClaimedAccount(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if username, _, ok := c.Request().BasicAuth(); ok && (store.IsSID(username, "AC") || store.IsSID(username, "SK")) {
			ensureState(c).account = username
		}
		return next(c)
	}
}

// RequestLog writes one log line per request, after the response is known:
// an error answer's line carries its Twilio code and message, so that a
// failing test suite's log says why a request was refused. 5xx lines are
// errors, the others information.
func RequestLog(logger *slog.Logger) echo.MiddlewareFunc {
	return middleware.RequestLoggerWithConfig(middleware.RequestLoggerConfig{
		LogMethod:   true,
		LogURIPath:  true,
		LogStatus:   true,
		LogLatency:  true,
		LogError:    true,
		HandleError: true, // render the error first, so the status logged is the one sent
		LogValuesFunc: func(c echo.Context, v middleware.RequestLoggerValues) error {
			level := slog.LevelInfo
			if v.Status >= http.StatusInternalServerError {
				level = slog.LevelError
			}
			attrs := [...]slog.Attr{
				slog.String("method", v.Method),
				slog.String("path", v.URIPath),
				slog.Int("status", v.Status),
				slog.Duration("latency", v.Latency),
				slog.String("account", Account(c)),
				{}, {},
			}
			n := 5
			if code, message := AnswerError(c); code != 0 {
				attrs[5], attrs[6] = slog.Int("code", code), slog.String("message", message)
				n = 7
			}
			logger.LogAttrs(c.Request().Context(), level, "request", attrs[:n]...)
			return nil
		},
	})
}

// Recover turns a panic into a Twilio 500 and logs its stack; the client
// never sees the stack.
func Recover(logger *slog.Logger) echo.MiddlewareFunc {
	return middleware.RecoverWithConfig(middleware.RecoverConfig{
		DisableStackAll: true,
		LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
			logger.Error("panic", "method", c.Request().Method, "path", c.Request().URL.Path, "error", err, "stack", string(stack))
			return err
		},
	})
}

// BodyLimit refuses request bodies over max bytes, declared or chunked,
// with a 413.
func BodyLimit(max int64) echo.MiddlewareFunc {
	return middleware.BodyLimit(strconv.FormatInt(max, 10) + "B")
}
