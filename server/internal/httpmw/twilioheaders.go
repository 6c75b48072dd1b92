package httpmw

import (
	"encoding/hex"
	"math/rand/v2"
	"net/http"
	"strconv"
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

// Canonical names, assigned without re-canonicalising per request.
const (
	headerRequestID       = "Twilio-Request-Id"
	headerRequestDuration = "Twilio-Request-Duration"
)

// TwilioHeaders gives every answer the two headers Twilio's own carry:
// Twilio-Request-Id, "RQ" and 32 lowercase hex digits, unique per request,
// and Twilio-Request-Duration, the seconds the request took, to the
// millisecond ("0.012"), measured up to when the status line is written.
// It goes first in the chain, so that the journal can record the id.
func TwilioHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		st := ensureState(c)
		st.start, st.id = time.Now(), newRequestID()
		resp := c.Response()
		h := resp.Header()
		st.idHeader[0] = st.id
		h[headerRequestID] = st.idHeader[:]
		// The duration's header is there from the start, for steps that
		// look at the answer before it is sent (response validation); its
		// value is set as the status line goes out, by the state standing
		// between echo and the connection. (A Before hook would cost two
		// allocations per request; this costs none.)
		st.durationHeader[0] = "0.000"
		h[headerRequestDuration] = st.durationHeader[:]
		st.writer = timedWriter{ResponseWriter: resp.Writer, st: st}
		resp.Writer = &st.writer
		return next(c)
	}
}

// timedWriter sets the value of Twilio-Request-Duration as the status line
// is written.
type timedWriter struct {
	http.ResponseWriter
	st   *state
	sent bool
}

func (w *timedWriter) WriteHeader(status int) {
	w.setDuration()
	w.ResponseWriter.WriteHeader(status)
}

func (w *timedWriter) Write(b []byte) (int, error) {
	w.setDuration() // a Write before WriteHeader sends 200
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController (echo's Flush and Hijack, the
// admin API's deadlines) reach the connection's writer.
func (w *timedWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// setDuration writes the duration into the header's value: a step that
// replaced the header (proxy mode passes the upstream's on) keeps its own.
func (w *timedWriter) setDuration() {
	if !w.sent {
		w.sent = true
		w.st.durationHeader[0] = strconv.FormatFloat(time.Since(w.st.start).Seconds(), 'f', 3, 64)
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
