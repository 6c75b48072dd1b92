// Package ceiling is the benchmarks' ceiling: a bare echo server (the web
// framework the stub is built on) with no authentication, no validation
// and no store, answering the stub's paths with fixed bodies and the
// headers the stub's answer carries (Twilio's CORS set, a request id and
// duration, the content type). Loaded like the stub, its cost is the least
// the stub's could be: the difference is the stub's own work.
package ceiling

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/twilio-stubs/userconversations/server/internal/httpmw"
)

// Bodies are the answers the ceiling gives: Conversation to a fetch or an
// update of a user conversation, List to a list. A nil body leaves its
// routes out.
type Bodies struct {
	Conversation []byte
	List         []byte
}

// New returns the ceiling's handler.
func New(bodies Bodies) *echo.Echo {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	answer := func(body []byte) echo.HandlerFunc {
		return func(c echo.Context) error {
			h := c.Response().Header()
			h[httpmw.HeaderRequestID] = requestID
			h[httpmw.HeaderRequestDuration] = duration
			return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, body)
		}
	}
	for _, prefix := range []string{"/v1", "/v1/Services/:service"} {
		if bodies.Conversation != nil {
			one := answer(bodies.Conversation)
			e.GET(prefix+"/Users/:user/Conversations/:conversation", one, httpmw.TwilioCORS)
			e.POST(prefix+"/Users/:user/Conversations/:conversation", one, httpmw.TwilioCORS)
		}
		if bodies.List != nil {
			e.GET(prefix+"/Users/:user/Conversations", answer(bodies.List), httpmw.TwilioCORS)
		}
	}
	return e
}

// Fixed values of the headers the stub computes per request.
var (
	requestID = []string{"RQ00000000000000000000000000000000"}
	duration  = []string{"0.000"}
)
