package admin

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/twilio-stubs/userconversations/server/internal/twilioerr"

	"github.com/labstack/echo/v4"
)

// Error is a failure of an admin call, or an error answer a fault injects;
// the server's one error handler writes it as Twilio's error JSON.
type Error = twilioerr.Error

func newError(status int, message string) *Error { return twilioerr.New(status, message) }

func errInvalid(name, format string, args ...any) *Error {
	return newError(http.StatusBadRequest, fmt.Sprintf("Invalid %s: %s", name, fmt.Sprintf(format, args...)))
}

// errNotFound is Twilio's 404 for the request's path.
func errNotFound(c echo.Context) *Error {
	return twilioerr.NotFound(c.Request().URL.EscapedPath())
}

func errUnauthorized() *Error {
	return &Error{
		Status:  http.StatusUnauthorized,
		Code:    twilioerr.CodeAuthenticate,
		Message: "Authenticate",
		Detail:  "The admin API needs the admin token, sent as Authorization: Bearer followed by the token.",
		Header:  http.Header{"Www-Authenticate": {`Bearer realm="conversations-stub admin"`}},
	}
}

// joinErrors writes the errors errors.Join combined (or any one error) as
// one line, "; " between them.
func joinErrors(err error) string {
	if multi, ok := err.(interface{ Unwrap() []error }); ok {
		var parts []string
		for _, e := range multi.Unwrap() {
			parts = append(parts, e.Error())
		}
		return strings.Join(parts, "; ")
	}
	return err.Error()
}
