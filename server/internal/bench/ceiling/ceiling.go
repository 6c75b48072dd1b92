// Package ceiling is the benchmarks' ceiling: a bare echo server (the web
// framework the stub is built on) with no authentication, no validation
// and no store, answering the fetch paths with a fixed body and the
// headers the stub's answer carries (Twilio's CORS set, a request id and
// duration, the content type). Loaded like the stub, its cost is the least
// the stub's could be: the difference is the stub's own work.
package ceiling

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/twilio-stubs/userconversations/server/internal/httpmw"
)

// New returns the ceiling's handler, answering with body.
func New(body []byte) *echo.Echo {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	serve := func(c echo.Context) error {
		h := c.Response().Header()
		h["Twilio-Request-Id"] = requestID
		h["Twilio-Request-Duration"] = duration
		return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, body)
	}
	e.GET("/v1/Users/:user/Conversations/:conversation", serve, httpmw.TwilioCORS)
	e.GET("/v1/Services/:service/Users/:user/Conversations/:conversation", serve, httpmw.TwilioCORS)
	return e
}

// Fixed values of the headers the stub computes per request.
var (
	requestID = []string{"RQ00000000000000000000000000000000"}
	duration  = []string{"0.000"}
)
