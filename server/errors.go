package server

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/labstack/echo/v4"

	"github.com/twilio-stubs/userconversations/server/store"
	"github.com/twilio-stubs/userconversations/server/twilioerr"
	"github.com/twilio-stubs/userconversations/server/validator"
)

// The Twilio error codes the stub answers with (see package twilioerr).
const (
	CodeInvalidParameter = twilioerr.CodeInvalidParameter
	CodeAuthenticate     = twilioerr.CodeAuthenticate
	CodeMethodNotAllowed = twilioerr.CodeMethodNotAllowed
	CodeNotFound         = twilioerr.CodeNotFound
	CodeTooLarge         = twilioerr.CodeTooLarge
	CodeTooManyRequests  = twilioerr.CodeTooManyRequests
	CodeInternal         = twilioerr.CodeInternal
	CodeUnavailable      = twilioerr.CodeUnavailable
)

// maxMessageLen keeps echoed input from bloating error bodies.
const maxMessageLen = 512

// Error is an API failure as Twilio reports it. Handlers and middleware
// return it (or any error; see toTwilioError) and HTTPErrorHandler writes it.
type Error = twilioerr.Error

// NewError is an Error with a generic Twilio code for status.
func NewError(status int, message string) *Error { return twilioerr.New(status, message) }

func errNotFound(path string) *Error {
	return NewError(http.StatusNotFound, fmt.Sprintf("The requested resource %s was not found", path))
}

func errUnauthorized() *Error {
	return &Error{
		Status:  http.StatusUnauthorized,
		Code:    CodeAuthenticate,
		Message: "Authenticate",
		Detail:  "Your AccountSid or AuthToken was incorrect.",
		Header:  http.Header{"Www-Authenticate": {`Basic realm="Twilio API"`}},
	}
}

func errInvalidParameter(name, reason string) *Error {
	return NewError(http.StatusBadRequest, fmt.Sprintf("Invalid %s: %s", name, reason))
}

// HTTPErrorHandler is the one place where a failure becomes a response:
// every error (routing 404/405, body limit 413, validation 400, store
// errors, panics) leaves as Twilio's error JSON.
func HTTPErrorHandler(logger *slog.Logger) echo.HTTPErrorHandler {
	return func(err error, c echo.Context) {
		if c.Response().Committed {
			return
		}
		twErr := toTwilioError(err, c)
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
			writeErr = c.JSON(twErr.Status, twErr.Body())
		}
		if writeErr != nil {
			logger.Debug("writing error response", "error", writeErr)
		}
	}
}

func toTwilioError(err error, c echo.Context) *Error {
	var twErr *Error
	var httpErr *echo.HTTPError
	switch {
	case errors.As(err, &twErr):
		safe := *twErr
		safe.Message = clean(twErr.Message)
		return &safe
	case errors.Is(err, echo.ErrStatusRequestEntityTooLarge):
		// The body limit trips while a body of unknown length (chunked) is
		// read, inside request validation, which would report it as a 400.
		return NewError(http.StatusRequestEntityTooLarge, "Request body too large")
	case errors.Is(err, store.ErrNotFound):
		return errNotFound(c.Request().URL.EscapedPath())
	case errors.Is(err, store.ErrInvalidUpdate):
		return NewError(http.StatusBadRequest, clean(err.Error()))
	case errors.Is(err, validator.ErrResponseOffContract):
		return NewError(http.StatusInternalServerError, clean(err.Error()))
	case errors.As(err, &httpErr):
		return fromHTTPError(httpErr, c)
	default:
		return NewError(http.StatusInternalServerError, "Internal Server Error")
	}
}

func fromHTTPError(httpErr *echo.HTTPError, c echo.Context) *Error {
	switch status := httpErr.Code; {
	case status == http.StatusNotFound:
		return errNotFound(c.Request().URL.EscapedPath())
	case status == http.StatusMethodNotAllowed:
		e := NewError(status, "Method not allowed")
		// RFC 9110: a 405 must list the methods the resource supports; echo's
		// router found them while matching the path.
		if allow, _ := c.Get(echo.ContextKeyHeaderAllow).(string); allow != "" {
			e.Header = http.Header{"Allow": {allow}}
		}
		return e
	case status == http.StatusUnauthorized:
		return errUnauthorized()
	case status == http.StatusRequestEntityTooLarge:
		return NewError(status, "Request body too large")
	case status == http.StatusBadRequest:
		return NewError(status, badRequestMessage(httpErr))
	case status >= http.StatusInternalServerError:
		return NewError(http.StatusInternalServerError, "Internal Server Error")
	default:
		return NewError(status, clean(fmt.Sprint(httpErr.Message)))
	}
}

// badRequestMessage names the offending parameter the way Twilio does
// ("Invalid PageSize: ..."), from kin-openapi's structured error.
func badRequestMessage(httpErr *echo.HTTPError) string {
	var reqErr *openapi3filter.RequestError
	if !errors.As(httpErr.Internal, &reqErr) {
		return clean(fmt.Sprint(httpErr.Message))
	}
	var repeated *validator.RepeatedError
	if errors.As(reqErr.Err, &repeated) {
		return clean(fmt.Sprintf("Invalid %s: given more than once", repeated.Name))
	}
	reason := reqErr.Reason
	var schemaErr *openapi3.SchemaError
	if errors.As(reqErr.Err, &schemaErr) {
		reason = schemaErr.Reason
	} else if reqErr.Err != nil {
		reason = reqErr.Err.Error()
	}
	switch {
	case reqErr.Parameter != nil:
		return clean(fmt.Sprintf("Invalid %s: %s", reqErr.Parameter.Name, reason))
	case schemaErr != nil && len(schemaErr.JSONPointer()) > 0:
		return clean(fmt.Sprintf("Invalid %s: %s", schemaErr.JSONPointer()[0], reason))
	default:
		return clean("Invalid request body: " + reason)
	}
}

// clean makes text safe to echo: valid UTF-8, one line, bounded.
func clean(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
	if len(s) > maxMessageLen {
		cut := maxMessageLen
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "..."
	}
	return s
}
