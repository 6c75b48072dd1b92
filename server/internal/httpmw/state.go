package httpmw

import (
	"time"

	"github.com/labstack/echo/v4"
)

// state is what the middleware learn of one request, kept as one entry of
// the echo context rather than one per fact: each entry of a value that
// is not a pointer costs an allocation, and the context's map its own.
type state struct {
	account string // the account it authenticated as
	// code and message are the Twilio error it was answered with.
	code    int
	message string

	// For TwilioHeaders: the request's id, when it started, and the
	// headers' values, which the response's header map shares.
	id             string
	start          time.Time
	resp           *echo.Response
	idHeader       [1]string
	durationHeader [1]string
}

const stateKey = "httpmw/state"

// stateOf returns the request's state; nil when no middleware made one.
func stateOf(c echo.Context) *state {
	st, _ := c.Get(stateKey).(*state)
	return st
}

// ensureState returns the request's state, making it if need be.
func ensureState(c echo.Context) *state {
	if st := stateOf(c); st != nil {
		return st
	}
	st := &state{}
	c.Set(stateKey, st)
	return st
}
