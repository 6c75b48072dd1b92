package admin

import (
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/labstack/echo/v4"
)

// operations names the Twilio API operation of a routed request: echo has
// matched the route, so the route's path (c.Path(), echo's notation) and
// the method identify the operation of the spec it was generated from.
type operations struct {
	byRoute map[string]string // "GET /v1/Users/:UserSid/Conversations" -> operationId
	ids     []string          // sorted
}

func newOperations(spec *openapi3.T) operations {
	ops := operations{byRoute: make(map[string]string)}
	for path, item := range spec.Paths.Map() {
		for method, op := range item.Operations() {
			ops.byRoute[method+" "+echoPath(path)] = op.OperationID
			ops.ids = append(ops.ids, op.OperationID)
		}
	}
	slices.Sort(ops.ids)
	return ops
}

// of returns the operationId of the request's route, or "".
func (o operations) of(c echo.Context) string {
	return o.byRoute[c.Request().Method+" "+c.Path()]
}

func (o operations) known(id string) bool {
	_, found := slices.BinarySearch(o.ids, id)
	return found
}

// echoPath writes an OpenAPI path template the way oapi-codegen registers
// it with echo: {UserSid} becomes :UserSid.
func echoPath(path string) string {
	var b strings.Builder
	for {
		open := strings.IndexByte(path, '{')
		if open < 0 {
			b.WriteString(path)
			return b.String()
		}
		end := strings.IndexByte(path[open:], '}')
		if end < 0 {
			b.WriteString(path)
			return b.String()
		}
		b.WriteString(path[:open])
		b.WriteByte(':')
		b.WriteString(path[open+1 : open+end])
		path = path[open+end+1:]
	}
}
