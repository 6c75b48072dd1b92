package admin

import (
	"net/http"
	"sync"

	"github.com/labstack/echo/v4"
	"sigs.k8s.io/yaml"

	"github.com/twilio-stubs/userconversations/api"
)

// spec is one of the specs the admin API serves: the file as embedded, and
// the same document as JSON, converted on first request (most stubs are
// never asked).
type spec struct {
	yaml []byte
	json func() ([]byte, error)
}

func newSpec(doc []byte) spec {
	return spec{yaml: doc, json: sync.OnceValues(func() ([]byte, error) { return yaml.YAMLToJSON(doc) })}
}

var (
	twilioSpec   = newSpec(api.OpenAPI)
	adminSpec    = newSpec(api.Admin)
	fixturesSpec = newSpec(api.Fixtures)
)

// MIMEApplicationYAML is the media type of YAML (RFC 9512).
const MIMEApplicationYAML = "application/yaml"

func (s spec) serveYAML(c echo.Context) error {
	return c.Blob(http.StatusOK, MIMEApplicationYAML, s.yaml)
}

func (s spec) serveJSON(c echo.Context) error {
	doc, err := s.json()
	if err != nil {
		return err // the spec tests make this unreachable
	}
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, doc)
}

func (h handlers) GetTwilioSpec(c echo.Context) error       { return twilioSpec.serveYAML(c) }
func (h handlers) GetTwilioSpecJSON(c echo.Context) error   { return twilioSpec.serveJSON(c) }
func (h handlers) GetAdminSpec(c echo.Context) error        { return adminSpec.serveYAML(c) }
func (h handlers) GetAdminSpecJSON(c echo.Context) error    { return adminSpec.serveJSON(c) }
func (h handlers) GetFixturesSpec(c echo.Context) error     { return fixturesSpec.serveYAML(c) }
func (h handlers) GetFixturesSpecJSON(c echo.Context) error { return fixturesSpec.serveJSON(c) }

// GetMetrics serves the metrics handler the server gave (Config.Metrics).
func (h handlers) GetMetrics(c echo.Context) error {
	if h.metrics == nil {
		return errNotFound(c)
	}
	h.metrics.ServeHTTP(c.Response(), c.Request())
	return nil
}
