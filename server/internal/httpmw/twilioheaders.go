package httpmw

import (
	"encoding/hex"
	"math/rand/v2"
	"time"

	"github.com/labstack/echo/v4"
)

// RequestID returns the Twilio-Request-Id of the request; "" outside the
// Twilio API.
func RequestID(c echo.Context) string {
	if st := stateOf(c); st != nil {
		return st.id
	}
	return ""
}

// SetRequestID replaces the request's id, for the journal, when its
// answer carries another: in proxy mode, the upstream's.
func SetRequestID(c echo.Context, id string) { ensureState(c).id = id }

// The canonical names of the two headers every Twilio answer carries,
// assigned without re-canonicalising per request.
const (
	HeaderRequestID       = "Twilio-Request-Id"
	HeaderRequestDuration = "Twilio-Request-Duration"
)

// TwilioHeaders gives every answer the two headers Twilio's own carry:
// Twilio-Request-Id, "RQ" and 32 lowercase hex digits, unique per request,
// and Twilio-Request-Duration, the seconds the request took, to the
// millisecond ("0.012"), measured up to when the status line is written.
// It goes first in the chain, so that the journal can record the id.
func TwilioHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		st := ensureState(c)
		st.timed, st.start, st.id = true, time.Now(), newRequestID()
		h := c.Response().Header()
		st.idHeader[0] = st.id
		h[HeaderRequestID] = st.idHeader[:]
		// The duration's header is there from the start, for steps that
		// look at the answer before it is sent (response validation); its
		// value is set by the state's writer as the status line goes out.
		// (A Before hook would cost two allocations per request.)
		st.durationHeader[0] = "0.000"
		h[HeaderRequestDuration] = st.durationHeader[:]
		return next(c)
	}
}

// newRequestID draws 128 random bits. math/rand/v2's generator is seeded
// from the operating system and safe for concurrent use; the ids need to
// be unique, not secret.
func newRequestID() string {
	var raw [16]byte
	for i := 0; i < len(raw); i += 8 {
		v := rand.Uint64()
		for j := range 8 {
			raw[i+j] = byte(v >> (8 * j))
		}
	}
	var out [34]byte
	out[0], out[1] = 'R', 'Q'
	hex.Encode(out[2:], raw[:])
	return string(out[:])
}
