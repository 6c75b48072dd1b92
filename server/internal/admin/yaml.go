package admin

import (
	"bytes"
	"io"
	"mime"
	"strconv"

	"github.com/labstack/echo/v4"
	"sigs.k8s.io/yaml"

	"github.com/twilio-stubs/userconversations/server/internal/routes"
)

// yamlMediaType is how the admin spec declares a YAML body; yamlTypes are
// the media types read as YAML.
const yamlMediaType = "application/yaml"

var yamlTypes = map[string]bool{yamlMediaType: true, "application/x-yaml": true}

// YAMLBodies converts a YAML body to JSON, and says so in Content-Type, for
// the admin operations whose spec accepts application/yaml. It must come
// before request validation: kin-openapi's own YAML decoder hands an
// unquoted date to the schema as a time.Time, which no date-time string
// schema accepts, whereas a --fixtures file may hold one. The conversion
// is the one server/fixtures applies to a YAML fixture file, so a document
// reads the same sent as a body or given as a file.
//
// It is a step of the admin API's chain, on the operations whose spec takes
// application/yaml only.
func (a *Admin) YAMLBodies() routes.Step {
	return func(route *routes.Route) echo.MiddlewareFunc {
		if route == nil || !route.Accepts(yamlMediaType) {
			return nil
		}
		return yamlToJSON
	}
}

func yamlToJSON(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		mediaType, _, err := mime.ParseMediaType(req.Header.Get(echo.HeaderContentType))
		if err != nil || !yamlTypes[mediaType] {
			return next(c)
		}
		data, err := io.ReadAll(req.Body)
		if err != nil {
			return err // the body limit's 413, say
		}
		converted, err := yaml.YAMLToJSON(data)
		if err != nil {
			return errInvalid("request body", "%v", err)
		}
		req.Body = io.NopCloser(bytes.NewReader(converted))
		req.ContentLength = int64(len(converted))
		req.Header.Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
		req.Header.Set(echo.HeaderContentLength, strconv.Itoa(len(converted)))
		return next(c)
	}
}
