// Package twilioerr is the one error type of the stub's APIs: an HTTP
// status with the fields of Twilio's error body {code, message, more_info,
// status}. The Twilio API and the admin API return it, and the server's one
// error handler writes it.
package twilioerr

import (
	"fmt"
	"net/http"

	"github.com/twilio-stubs/userconversations/gen/conversations"
)

// Twilio error codes the stub answers with. Twilio's generic codes for HTTP
// statuses are 20000 + status (20404, 20429, 20500); 20001 is its
// "invalid parameter", 20003 "authenticate", 20004 "method not allowed".
const (
	CodeInvalidParameter = 20001
	CodeAuthenticate     = 20003
	CodeMethodNotAllowed = 20004
	CodeNotFound         = 20404
	CodeTooLarge         = 20413
	CodeTooManyRequests  = 20429
	CodeInternal         = 20500
	CodeUnavailable      = 20503
)

// Error is an API failure as Twilio reports it.
type Error struct {
	Status  int
	Code    int
	Message string
	Detail  string
	// Header carries response headers that belong to the error, such as
	// Retry-After on a 429 or WWW-Authenticate on a 401.
	Header http.Header
}

func (e *Error) Error() string {
	return fmt.Sprintf("%d %d: %s", e.Status, e.Code, e.Message)
}

// Body is the JSON the client receives.
func (e *Error) Body() conversations.Error {
	body := conversations.Error{
		Code:     e.Code,
		Message:  e.Message,
		MoreInfo: fmt.Sprintf("https://www.twilio.com/docs/errors/%d", e.Code),
		Status:   e.Status,
	}
	if e.Detail != "" {
		body.Detail = &e.Detail
	}
	return body
}

// New is an Error with Twilio's generic code for status.
func New(status int, message string) *Error {
	code := 20000 + status
	switch status {
	case http.StatusBadRequest:
		code = CodeInvalidParameter
	case http.StatusUnauthorized:
		code = CodeAuthenticate
	case http.StatusMethodNotAllowed:
		code = CodeMethodNotAllowed
	}
	return &Error{Status: status, Code: code, Message: message}
}

// InvalidParameter is the 400 naming a parameter (or a body field, by its
// path) the way Twilio does: "Invalid PageSize: ...".
func InvalidParameter(name, reason string) *Error {
	return New(http.StatusBadRequest, "Invalid "+name+": "+reason)
}

// NotFound is Twilio's 404 for the resource at path.
func NotFound(path string) *Error {
	return New(http.StatusNotFound, "The requested resource "+path+" was not found")
}

// Unauthorized is Twilio's 401 for missing or wrong HTTP Basic credentials.
func Unauthorized() *Error {
	return &Error{
		Status:  http.StatusUnauthorized,
		Code:    CodeAuthenticate,
		Message: "Authenticate",
		Detail:  "Your AccountSid or AuthToken was incorrect.",
		Header:  http.Header{"Www-Authenticate": {`Basic realm="Twilio API"`}},
	}
}
