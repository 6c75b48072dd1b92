package client

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/twilio-stubs/userconversations/gen/conversations"
)

// ErrNoCredentials is returned, wrapped, by New and NewFromEnv when
// credentials are missing.
var ErrNoCredentials = errors.New("client: missing Twilio credentials")

// Error is a failed answer: any HTTP status outside 2xx. Use errors.As (or
// errors.AsType) to get at it, or the helpers IsNotFound, IsUnauthorized,
// IsRateLimited and StatusCode.
//
// When the body is Twilio's JSON error, Code, Message, MoreInfo and Detail
// come from it. Otherwise (an HTML page from a proxy, an empty or truncated
// body) Code is 0 and Message holds the status text and the start of the body.
type Error struct {
	// Status is the HTTP status code of the answer.
	Status int
	// Code is Twilio's error code, such as 20404; 0 when the body was not
	// Twilio's JSON error.
	Code int
	// Message says what went wrong.
	Message string
	// MoreInfo is the URL of Twilio's page about Code.
	MoreInfo string
	// Detail is further detail, where Twilio gives one (as on 401).
	Detail string
	// Attempts is how many times the request was sent, when it was
	// retried; 0 or 1 when it was not.
	Attempts int
}

// Error returns e as one line, e.g. "twilio: HTTP 404, error 20404: The
// requested resource ... was not found (more info:
// https://www.twilio.com/docs/errors/20404)".
func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "twilio: HTTP %d", e.Status)
	if e.Code != 0 {
		fmt.Fprintf(&b, ", error %d", e.Code)
	}
	b.WriteString(": ")
	b.WriteString(e.Message)
	if e.Detail != "" {
		fmt.Fprintf(&b, ": %s", e.Detail)
	}
	if e.MoreInfo != "" {
		fmt.Fprintf(&b, " (more info: %s)", e.MoreInfo)
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " (after %d attempts)", e.Attempts)
	}
	return b.String()
}

// StatusCode returns the HTTP status of the *Error in err's chain, or 0 when
// there is none (a transport error, a cancelled context, a nil err).
func StatusCode(err error) int {
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Status
	}
	return 0
}

// IsNotFound reports whether err is a 404 answer: the user, the conversation
// or the user's participation in it does not exist.
func IsNotFound(err error) bool { return StatusCode(err) == http.StatusNotFound }

// IsUnauthorized reports whether err is a 401 answer: wrong or missing
// credentials.
func IsUnauthorized(err error) bool { return StatusCode(err) == http.StatusUnauthorized }

// IsRateLimited reports whether err is a 429 answer that was still refused
// after the retries the RetryPolicy allowed.
func IsRateLimited(err error) bool { return StatusCode(err) == http.StatusTooManyRequests }

// maxErrorBody bounds how much of an error body is read: Twilio's errors are
// small, and an unexpected HTML page need not be read whole.
const maxErrorBody = 64 << 10

// maxBodyExcerpt is how much of a body that is not Twilio's error is quoted
// in Error.Message.
const maxBodyExcerpt = 200

// checkStatus returns nil for a 2xx answer, leaving its body to the caller.
// Any other answer is read, closed and returned as *Error. This package
// handles error answers itself rather than through the generated Parse...
// functions, because those fail outright, losing the status, on a malformed
// JSON error body or a Retry-After header holding a date.
func checkStatus(rsp *http.Response) error {
	if rsp.StatusCode >= 200 && rsp.StatusCode <= 299 {
		return nil
	}
	defer rsp.Body.Close()
	// A read error leaves a truncated body, which newError reports as such.
	body, _ := io.ReadAll(io.LimitReader(rsp.Body, maxErrorBody))
	e := newError(rsp.StatusCode, body)
	e.Attempts = attemptsOf(rsp)
	return e
}

// newError maps an error answer to *Error.
func newError(status int, body []byte) *Error {
	var te conversations.Error
	if json.Unmarshal(body, &te) == nil && (te.Code != 0 || te.Message != "") {
		e := &Error{Status: status, Code: te.Code, Message: te.Message, MoreInfo: te.MoreInfo}
		if te.Detail != nil {
			e.Detail = *te.Detail
		}
		return e
	}
	msg := http.StatusText(status)
	if msg == "" {
		msg = "unexpected status"
	}
	switch {
	case len(body) == 0:
		msg += " (empty body)"
	case len(body) > maxBodyExcerpt:
		msg += fmt.Sprintf(": body %q...", body[:maxBodyExcerpt])
	default:
		msg += fmt.Sprintf(": body %q", body)
	}
	return &Error{Status: status, Message: msg}
}
