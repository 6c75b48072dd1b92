package server

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/twilio-stubs/userconversations/gen/conversationsserver"
	"github.com/twilio-stubs/userconversations/server/internal/httpmw"
	"github.com/twilio-stubs/userconversations/server/internal/twilioerr"
	"github.com/twilio-stubs/userconversations/server/internal/validation"
	"github.com/twilio-stubs/userconversations/server/internal/violations"
	"github.com/twilio-stubs/userconversations/server/store"
)

// MaxMessageLen caps the message of an error body, in bytes: messages may
// echo what a client sent.
const MaxMessageLen = 512

// HTTPErrorHandler is the one place where a failure becomes a response:
// every error of either API (routing 404/405, body limit 413, validation
// 400, store errors, panics) leaves as Twilio's error JSON.
func HTTPErrorHandler(logger *slog.Logger) echo.HTTPErrorHandler {
	return func(err error, c echo.Context) {
		if c.Response().Committed {
			return
		}
		twErr := toTwilioError(err, c)
		httpmw.SetAnswerError(c, twErr.Code, twErr.Message)
		if twErr.Status >= http.StatusInternalServerError {
			logger.Error("request failed", "method", c.Request().Method, "path", c.Request().URL.Path, "error", err)
		}
		for name, values := range twErr.Header {
			c.Response().Header()[name] = values
		}
		var writeErr error
		if c.Request().Method == http.MethodHead {
			writeErr = c.NoContent(twErr.Status)
		} else {
			body := twErr.Body()
			writeErr = httpmw.WriteJSON(c, twErr.Status, &body, conversationsserver.AppendError)
		}
		if writeErr != nil {
			logger.Debug("writing error response", "error", writeErr)
		}
	}
}

func toTwilioError(err error, c echo.Context) *twilioerr.Error {
	var twErr *twilioerr.Error
	var httpErr *echo.HTTPError
	switch {
	case errors.As(err, &twErr):
		safe := *twErr
		safe.Message = clean(twErr.Message)
		return &safe
	case errors.Is(err, echo.ErrStatusRequestEntityTooLarge):
		return twilioerr.New(http.StatusRequestEntityTooLarge, "Request body too large")
	case errors.Is(err, store.ErrNotFound):
		return notFound(c)
	case errors.Is(err, store.ErrInvalidUpdate):
		return twilioerr.New(http.StatusBadRequest, clean(err.Error()))
	case errors.Is(err, validation.ErrResponseOffContract):
		return twilioerr.New(http.StatusInternalServerError, clean(err.Error()))
	case errors.As(err, &httpErr):
		return fromHTTPError(httpErr, c)
	default:
		return twilioerr.New(http.StatusInternalServerError, "Internal Server Error")
	}
}

// notFound is Twilio's 404 for the request's path. Twilio's v1 APIs name
// the resource without the version segment ("The requested resource
// /Conversations/CH71 was not found"); the path is otherwise as the client
// sent it, escapes included, and cut to MaxMessageLen like any message.
func notFound(c echo.Context) *twilioerr.Error {
	path := c.Request().URL.EscapedPath()
	if rest, ok := strings.CutPrefix(path, "/v1/"); ok {
		path = "/" + rest
	}
	return twilioerr.NotFound(clean(path))
}

func fromHTTPError(httpErr *echo.HTTPError, c echo.Context) *twilioerr.Error {
	switch status := httpErr.Code; {
	case status == http.StatusNotFound:
		return notFound(c)
	case status == http.StatusMethodNotAllowed:
		e := twilioerr.New(status, "Method not allowed")
		// RFC 9110: a 405 must list the methods the resource supports.
		if allow, _ := c.Get(echo.ContextKeyHeaderAllow).(string); allow != "" {
			e.Header = http.Header{"Allow": {allow}}
		}
		return e
	case status == http.StatusUnauthorized:
		return twilioerr.Unauthorized()
	case status == http.StatusRequestEntityTooLarge:
		return twilioerr.New(status, "Request body too large")
	case status >= http.StatusInternalServerError:
		return twilioerr.New(http.StatusInternalServerError, "Internal Server Error")
	default:
		return twilioerr.New(status, clean(fmt.Sprint(httpErr.Message)))
	}
}

// clean makes text safe to echo: valid UTF-8, one line, at most
// MaxMessageLen bytes.
func clean(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
	if capped, cut := violations.CapString(s, MaxMessageLen); cut {
		s = capped + "..."
	}
	return s
}
