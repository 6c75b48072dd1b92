package admin

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
)

// Error is a failure of an admin call, or an error answer a fault injects:
// an HTTP status and the fields of Twilio's error body. The server's error
// handler writes it as Twilio's error JSON, with Header added to the
// response.
type Error struct {
	Status  int
	Code    int
	Message string
	Detail  string
	Header  http.Header
}

func (e *Error) Error() string {
	return fmt.Sprintf("%d %d: %s", e.Status, e.Code, e.Message)
}

// Twilio's codes: 20000 + the status, but 20001 for a bad parameter and
// 20003 for authentication.
const (
	codeInvalidParameter = 20001
	codeAuthenticate     = 20003
)

func newError(status int, message string) *Error {
	code := 20000 + status
	switch status {
	case http.StatusBadRequest:
		code = codeInvalidParameter
	case http.StatusUnauthorized:
		code = codeAuthenticate
	}
	return &Error{Status: status, Code: code, Message: message}
}

func errInvalid(name, format string, args ...any) *Error {
	return newError(http.StatusBadRequest, fmt.Sprintf("Invalid %s: %s", name, fmt.Sprintf(format, args...)))
}

// errNotFound is Twilio's 404 for the request's path.
func errNotFound(c echo.Context) *Error {
	return newError(http.StatusNotFound, fmt.Sprintf("The requested resource %s was not found", c.Request().URL.EscapedPath()))
}

func errUnauthorized() *Error {
	return &Error{
		Status:  http.StatusUnauthorized,
		Code:    codeAuthenticate,
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
