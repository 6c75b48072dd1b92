// Package routes is the one route table of each API, built from its spec at
// start-up, and the group that registers the generated handlers with echo
// through it.
//
// A Route is keyed as echo knows it, by method and echo path
// (`GET /v1/Users/:UserSid/Conversations`), and carries what the
// middleware needs to know about it: the operation id, kin-openapi's route
// for validation, the media types its body may have, whether it needs
// credentials. Request and response validation, the request journal, fault
// injection and YAML bodies all read it from here; nothing else matches a
// request to an operation.
package routes

import (
	"fmt"
	"maps"
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
	// OpenAPI is kin-openapi's route, for validation; nil on a 405 route.
	OpenAPI *routers.Route
	// MediaTypes are the media types the request body may have, sorted;
	// none when the operation takes no body.
	MediaTypes []string
	// Open is true for an operation that declares no security requirement
	// (`security: []`): it is served without credentials.
	Open bool
	// Allow lists the methods the path answers, as a 405's Allow header
	// gives them: `OPTIONS, DELETE, GET, POST` (OPTIONS for CORS
	// preflights, which every path answers).
	Allow string
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

// New builds the table of doc. Every operation needs a unique operationId:
// the journal, faults and logs name operations by it.
func New(doc *openapi3.T) (*Table, error) {
	if doc.Paths == nil {
		return nil, fmt.Errorf("routes: the spec has no paths")
	}
	t := &Table{routes: make(map[string]*Route), allow: make(map[string]string)}
	seen := make(map[string]bool)
	for _, path := range doc.Paths.InMatchingOrder() {
		item := doc.Paths.Value(path)
		ops := item.Operations()
		echoPath := EchoPath(path)
		allow := strings.Join(append([]string{http.MethodOptions}, slices.Sorted(maps.Keys(ops))...), ", ")
		t.paths = append(t.paths, echoPath)
		t.allow[echoPath] = allow
		for method, op := range ops {
			switch {
			case op.OperationID == "":
				return nil, fmt.Errorf("routes: %s %s has no operationId", method, path)
			case seen[op.OperationID]:
				return nil, fmt.Errorf("routes: operationId %s is used twice", op.OperationID)
			}
			seen[op.OperationID] = true
			t.ids = append(t.ids, op.OperationID)
			t.routes[key(method, echoPath)] = &Route{
				Method:      method,
				EchoPath:    echoPath,
				Path:        path,
				OperationID: op.OperationID,
				OpenAPI:     &routers.Route{Spec: doc, Path: path, PathItem: item, Method: method, Operation: op},
				MediaTypes:  mediaTypes(op),
				Open:        op.Security != nil && len(*op.Security) == 0,
				Allow:       allow,
			}
		}
	}
	slices.Sort(t.ids)
	return t, nil
}

func mediaTypes(op *openapi3.Operation) []string {
	if op.RequestBody == nil || op.RequestBody.Value == nil {
		return nil
	}
	return slices.Sorted(maps.Keys(op.RequestBody.Value.Content))
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
