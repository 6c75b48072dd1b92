// Package routes is the one route table of each API, built from its spec at
// start-up, and the group that registers the generated handlers with echo
// through it.
//
// A Route is keyed as echo knows it, by method and echo path
// (`GET /v1/Users/:UserSid/Conversations`), and carries what the
// middleware needs to know about it: the operation id, the operation as
// the spec's JSON has it (for the compiled checks), kin-openapi's route
// (loaded when first asked for), the media types its body may have,
// whether it needs credentials. Request and response validation, the request journal, fault
// injection and YAML bodies all read it from here; nothing else matches a
// request to an operation.
package routes

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
)

// Route is one operation of a spec as echo serves it, or one of the
// answers a group adds around them (see Group.Finish).
type Route struct {
	// Method and EchoPath are the key: `GET`, `/v1/Users/:UserSid/Conversations`.
	Method   string
	EchoPath string
	// Path is the spec's template, `/v1/Users/{UserSid}/Conversations`.
	Path string
	// OperationID names the operation; "" on a route that answers 405.
	OperationID string
	// Tags are the operation's tags.
	Tags []string
	// MediaTypes are the media types the request body may have, sorted;
	// none when the operation takes no body.
	MediaTypes []string
	// BodyExtensions are the request body's `x-` properties; nil when the
	// operation takes no body.
	BodyExtensions map[string]any
	// Open is true for an operation that declares no security requirement
	// (`security: []`): it is served without credentials.
	Open bool
	// Allow lists the methods the path answers, as a 405's Allow header
	// gives them: `OPTIONS, DELETE, GET, POST` (OPTIONS for CORS
	// preflights, which every path answers).
	Allow string

	// Raw is the operation as the spec's JSON has it, for checks compiled
	// without kin-openapi's document.
	Raw RawOperation

	// openapi returns kin-openapi's route (see OpenAPI).
	openapi func() *routers.Route
}

// OpenAPI returns kin-openapi's route, for validation; nil on a 405 route.
// A route of a table from NewLazy loads the table's spec on the first call.
func (r *Route) OpenAPI() *routers.Route {
	if r.openapi == nil {
		return nil
	}
	return r.openapi()
}

// Accepts reports whether the operation's body may have the media type.
func (r *Route) Accepts(mediaType string) bool {
	_, found := slices.BinarySearch(r.MediaTypes, mediaType)
	return found
}

// NotAllowed reports whether the route answers 405: the path is the
// spec's, the method is not.
func (r *Route) NotAllowed() bool { return r.OperationID == "" }

// Table holds the routes of one spec.
type Table struct {
	routes map[string]*Route // by key(method, echo path)
	paths  []string          // echo paths, in the spec's matching order
	allow  map[string]string // Allow, by echo path
	ids    []string          // operation ids, sorted
}

func key(method, echoPath string) string { return method + " " + echoPath }

// FromEmbedded builds the table of a spec that a generated package embeds:
// rawSpecs and load are its PathToRawSpec and GetSpec. kin-openapi's
// document is loaded when first needed (NewLazy).
func FromEmbedded(rawSpecs func(pathToFile string) map[string]func() ([]byte, error), load func() (*openapi3.T, error)) (*Table, error) {
	const name = "spec.json"
	raw, err := rawSpecs(name)[name]()
	if err != nil {
		return nil, err
	}
	return NewLazy(raw, load)
}

// add adds the routes of path's operations, which NewLazy read, to t,
// with their echo path and Allow. Every operation needs a unique
// operationId: the journal, faults and logs name operations by it.
func (t *Table) add(path string, ops []*Route) error {
	echoPath := EchoPath(path)
	methods := make([]string, 0, len(ops)+1)
	for _, r := range ops {
		methods = append(methods, r.Method)
	}
	slices.Sort(methods)
	allow := strings.Join(append([]string{http.MethodOptions}, methods...), ", ")
	t.paths = append(t.paths, echoPath)
	t.allow[echoPath] = allow
	for _, r := range ops {
		switch {
		case r.OperationID == "":
			return fmt.Errorf("routes: %s %s has no operationId", r.Method, path)
		case slices.Contains(t.ids, r.OperationID):
			return fmt.Errorf("routes: operationId %s is used twice", r.OperationID)
		}
		t.ids = append(t.ids, r.OperationID)
		r.EchoPath, r.Allow = echoPath, allow
		t.routes[key(r.Method, echoPath)] = r
	}
	return nil
}

// Lookup returns the route of an operation by echo's method and path, or
// nil.
func (t *Table) Lookup(method, echoPath string) *Route {
	return t.routes[key(method, echoPath)]
}

// Routes returns the routes of every operation, by operation id.
func (t *Table) Routes() []*Route {
	out := make([]*Route, 0, len(t.ids))
	for _, r := range t.routes {
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b *Route) int { return strings.Compare(a.OperationID, b.OperationID) })
	return out
}

// Operations returns every operation id, sorted.
func (t *Table) Operations() []string { return slices.Clone(t.ids) }

// Has reports whether id is an operation of the spec.
func (t *Table) Has(id string) bool {
	_, found := slices.BinarySearch(t.ids, id)
	return found
}

// notAllowed returns the route that answers 405 for method on a path of the
// table, or nil when the spec has that operation.
func (t *Table) notAllowed(method, echoPath string) *Route {
	if t.Lookup(method, echoPath) != nil {
		return nil
	}
	return &Route{Method: method, EchoPath: echoPath, Allow: t.allow[echoPath]}
}

// methods are the methods a group answers 405 to on a path of the spec that
// lacks them: every method net/http names.
var methods = []string{
	http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
	http.MethodDelete, http.MethodConnect, http.MethodOptions, http.MethodTrace,
}

// EchoPath writes an OpenAPI path template the way oapi-codegen registers
// it with echo: {UserSid} becomes :UserSid.
func EchoPath(path string) string {
	var b strings.Builder
	for {
		open := strings.IndexByte(path, '{')
		end := strings.IndexByte(path, '}')
		if open < 0 || end < open {
			b.WriteString(path)
			return b.String()
		}
		b.WriteString(path[:open])
		b.WriteByte(':')
		b.WriteString(path[open+1 : end])
		path = path[end+1:]
	}
}
