package admin

import (
	"bytes"
	"io"
	"mime"
	"strconv"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/labstack/echo/v4"
	"sigs.k8s.io/yaml"
)

// yamlTypes are the media types read as YAML.
var yamlTypes = map[string]bool{"application/yaml": true, "application/x-yaml": true}

// YAMLBodies converts a YAML body to JSON, and says so in Content-Type, for
// the admin operations whose spec accepts application/yaml. It must come
// before request validation: kin-openapi's own YAML decoder hands an
// unquoted date to the schema as a time.Time, which no date-time string
// schema accepts, whereas a --fixtures file may hold one. The conversion
// is the one server/fixtures applies to a YAML fixture file, so a document
// reads the same sent as a body or given as a file.
func (a *Admin) YAMLBodies() echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			req := c.Request()
			mediaType, _, err := mime.ParseMediaType(req.Header.Get(echo.HeaderContentType))
			if err != nil || !yamlTypes[mediaType] || !a.yamlRoutes[req.Method+" "+c.Path()] {
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
}

// yamlRoutes returns the routes ("PUT /_stub/state", in echo's notation)
// of the operations whose request body may be YAML.
func yamlRoutes(spec *openapi3.T) map[string]bool {
	routes := make(map[string]bool)
	for path, item := range spec.Paths.Map() {
		for method, op := range item.Operations() {
			if op.RequestBody == nil || op.RequestBody.Value == nil {
				continue
			}
			for mediaType := range op.RequestBody.Value.Content {
				if yamlTypes[mediaType] {
					routes[method+" "+echoPath(path)] = true
				}
			}
		}
	}
	return routes
}
