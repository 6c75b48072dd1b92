package httpmw

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
)

// state is what the middleware learn of one request. It is found through
// the response writer it stands in front of (stateWriter), not through the
// echo context's map: that map is made anew for each request, and making
// it, with a lock around every read, was a tenth of the stub's own work on
// a fetch.
type state struct {
	account string // the account it authenticated as
	// code and message are the Twilio error it was answered with.
	code    int
	message string

	// For TwilioHeaders: the request's id, when it started, and the
	// headers' values, which the response's header map shares.
	timed          bool
	id             string
	start          time.Time
	idHeader       [1]string
	durationHeader [1]string

	writer stateWriter
}

// stateWriter stands between echo and the connection for the request's
// state: found by stateOf, and setting Twilio-Request-Duration's value as
// the status line goes out.
type stateWriter struct {
	http.ResponseWriter
	st   *state
	sent bool
}

func (w *stateWriter) WriteHeader(status int) {
	w.setDuration()
	w.ResponseWriter.WriteHeader(status)
}

func (w *stateWriter) Write(b []byte) (int, error) {
	w.setDuration() // a Write before WriteHeader sends 200
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController (echo's Flush and Hijack, the
// admin API's deadlines) reach the connection's writer.
func (w *stateWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// setDuration writes the duration into the header's value: a step that
// replaced the header (proxy mode passes the upstream's on) keeps its own.
func (w *stateWriter) setDuration() {
	if w.sent || !w.st.timed {
		return
	}
	w.sent = true
	w.st.durationHeader[0] = formatDuration(time.Since(w.st.start))
}

// StampDuration sets Twilio-Request-Duration in h to the time the request
// has taken so far, for an answer written to the connection past the
// state's writer (a truncated one); nothing outside the Twilio API.
func StampDuration(c echo.Context, h http.Header) {
	if st := stateOf(c); st != nil && st.timed {
		h[HeaderRequestDuration] = []string{formatDuration(time.Since(st.start))}
	}
}

func formatDuration(d time.Duration) string { return strconv.FormatFloat(d.Seconds(), 'f', 3, 64) }

// maxWrappers bounds the search for the state beneath writers that wrap
// it (response validation, faults): the chain has two at most.
const maxWrappers = 8

// stateOf returns the request's state; nil when no middleware made one.
func stateOf(c echo.Context) *state {
	w := c.Response().Writer
	for range maxWrappers {
		switch v := w.(type) {
		case *stateWriter:
			return v.st
		case interface{ Unwrap() http.ResponseWriter }:
			w = v.Unwrap()
		default:
			return nil
		}
	}
	return nil
}

// ensureState returns the request's state, making it if need be.
func ensureState(c echo.Context) *state {
	if st := stateOf(c); st != nil {
		return st
	}
	resp := c.Response()
	st := &state{}
	st.writer = stateWriter{ResponseWriter: resp.Writer, st: st}
	resp.Writer = &st.writer
	return st
}
