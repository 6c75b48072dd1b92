package validator

import (
	"net/http"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
)

// templateRouter finds routes as kin-openapi's gorillamux router does, for
// specs whose path templates are made of whole segments (`/v1/Users/{Sid}`),
// without its regular expressions: profiling the stub under load showed
// gorillamux matching every route's regexp on every request, about a tenth
// of the server's CPU on a fetch.
//
// gorillamux (with UseEncodedPath, no servers) matches the escaped path
// against `^literal(?P<v>[^/]+)literal$` for each template, in
// Paths.InMatchingOrder; the first match wins. A template of whole segments
// matches exactly the paths with as many segments, equal literal segments
// and a non-empty variable segment, which is what match checks, in the same
// order, yielding the same variables. A request that matches no template is
// handed to gorillamux, so every error is still its own.
type templateRouter struct {
	templates []pathTemplate
	fallback  routers.Router
}

type pathTemplate struct {
	route    routers.Route // Method and Operation are set per request
	segments []string      // after the leading "/"; "" for a variable
	vars     []string      // the variable names, by segment; "" for a literal
}

// newTemplateRouter returns fallback itself unless every path of doc is a
// template of whole segments and doc has no servers (NewRouter drops them).
func newTemplateRouter(doc *openapi3.T, fallback routers.Router) routers.Router {
	if len(doc.Servers) > 0 || doc.Paths == nil {
		return fallback
	}
	r := &templateRouter{fallback: fallback}
	for _, path := range doc.Paths.InMatchingOrder() {
		item := doc.Paths.Value(path)
		if len(item.Servers) > 0 || !strings.HasPrefix(path, "/") {
			return fallback
		}
		t := pathTemplate{route: routers.Route{Spec: doc, Path: path, PathItem: item}}
		for _, seg := range strings.Split(path[1:], "/") {
			name, isVar := strings.CutPrefix(seg, "{")
			if isVar {
				name, isVar = strings.CutSuffix(name, "}")
				if !isVar || name == "" || strings.ContainsAny(name, "{}:") {
					return fallback // a partial or patterned variable: gorillamux's business
				}
				t.segments, t.vars = append(t.segments, ""), append(t.vars, name)
				continue
			}
			if strings.ContainsAny(seg, "{}") {
				return fallback
			}
			t.segments, t.vars = append(t.segments, seg), append(t.vars, "")
		}
		r.templates = append(r.templates, t)
	}
	return r
}

// FindRoute implements routers.Router.
func (r *templateRouter) FindRoute(req *http.Request) (*routers.Route, map[string]string, error) {
	path := req.URL.EscapedPath()
	if !strings.HasPrefix(path, "/") {
		return r.fallback.FindRoute(req)
	}
	for i := range r.templates {
		t := &r.templates[i]
		if !t.match(path[1:]) {
			continue
		}
		route := t.route
		route.Method = req.Method
		route.Operation = route.PathItem.GetOperation(req.Method)
		if route.Operation == nil {
			return nil, nil, routers.ErrMethodNotAllowed
		}
		vars := make(map[string]string, len(t.vars))
		rest := path[1:]
		for _, name := range t.vars {
			seg, after, _ := strings.Cut(rest, "/")
			rest = after
			if name != "" {
				vars[name] = seg
			}
		}
		return &route, vars, nil
	}
	return r.fallback.FindRoute(req)
}

// match reports whether path (without its leading "/") fits the template.
func (t *pathTemplate) match(path string) bool {
	for j, want := range t.segments {
		seg, rest, more := strings.Cut(path, "/")
		if last := j == len(t.segments)-1; more == last {
			return false // too many segments, or too few
		}
		if t.vars[j] != "" {
			if seg == "" {
				return false
			}
		} else if seg != want {
			return false
		}
		path = rest
	}
	return true
}
