// Package httpmw holds the HTTP middleware both of the stub's APIs use:
// panic recovery, the request log, Twilio's CORS headers, and the Twilio
// API's credential check. The server package puts them in each API's chain.
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

// accountKey is where Authenticate leaves the caller's account SID in the
// echo context.
const accountKey = "account"

// Account returns the account the request authenticated as; "" when it did
// not (yet).
func Account(c echo.Context) string {
	account, _ := c.Get(accountKey).(string)
	return account
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

// CORS sets Twilio's CORS headers on every response and answers preflight
// requests itself: browsers send them without credentials.
func CORS(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		header := c.Response().Header()
		for name, value := range corsHeaders {
			header[name] = value
		}
		if c.Request().Method == http.MethodOptions {
			return c.NoContent(http.StatusNoContent)
		}
		return next(c)
	}
}

// Authenticate checks HTTP Basic credentials (Account SID + auth token, or
// API key SID + secret) and records the account for the handlers.
func Authenticate(auth store.Authenticator) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
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
			c.Set(accountKey, account)
			return next(c)
		}
	}
}

// RequestLog writes one log line per request, after the response is known.
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
			logger.LogAttrs(c.Request().Context(), level, "request",
				slog.String("method", v.Method),
				slog.String("path", v.URIPath),
				slog.Int("status", v.Status),
				slog.Duration("latency", v.Latency),
				slog.String("account", Account(c)),
			)
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
