package routes

import (
	"fmt"
	"net/http"
	"slices"

	"github.com/labstack/echo/v4"
)

// A Step builds one middleware of a group's chain for one route, at
// start-up: what it needs to know of the route (its operation, its body,
// whether it is open) it learns once, not per request. It returns nil to
// stay out of that route's chain. The route is nil for the group's
// catch-all, the answer to a path the spec does not have.
type Step func(route *Route) echo.MiddlewareFunc

// Group registers one API's operations on echo, each behind the API's chain
// of steps, and is the router the generated RegisterHandlers functions take
// (it has the methods of their EchoRouter interfaces).
//
// Unlike echo's own groups, which compose their middleware again on every
// request, a Group composes each route's chain once, when the route is
// registered.
type Group struct {
	echo  *echo.Echo
	table *Table
	steps []Step
}

// NewGroup returns a group registering the operations of table on e, each
// behind steps in order (the first step is the outermost).
func NewGroup(e *echo.Echo, table *Table, steps ...Step) *Group {
	return &Group{echo: e, table: table, steps: steps}
}

// chain wraps h in the group's steps for route, then in mw (the route
// middleware the generated code passes, innermost).
func (g *Group) chain(route *Route, h echo.HandlerFunc, mw []echo.MiddlewareFunc) echo.HandlerFunc {
	for _, m := range slices.Backward(mw) {
		h = m(h)
	}
	for _, step := range slices.Backward(g.steps) {
		if m := step(route); m != nil {
			h = m(h)
		}
	}
	return h
}

// Add registers the handler of the spec's operation for method and path.
// A route the spec does not have is a programming error: the generated code
// and the table come from the same spec.
func (g *Group) Add(method, path string, h echo.HandlerFunc, mw ...echo.MiddlewareFunc) *echo.Route {
	route := g.table.Lookup(method, path)
	if route == nil {
		panic(fmt.Sprintf("routes: %s %s is not an operation of the spec", method, path))
	}
	return g.echo.Add(method, path, g.chain(route, h, mw))
}

// Finish registers, behind the same chain, what the group answers besides
// its operations: 405 (with Allow) for every other method on the spec's
// paths, and 404 for every path under prefix that the spec does not have.
// Call it once, after the operations are registered.
func (g *Group) Finish(prefix string) {
	for _, path := range g.table.paths {
		for _, method := range methods {
			if route := g.table.notAllowed(method, path); route != nil {
				g.echo.Add(method, path, g.chain(route, methodNotAllowed(route.Allow), nil))
			}
		}
	}
	g.echo.RouteNotFound(prefix+"*", g.chain(nil, g.notFound, nil))
}

// notFound answers what the group's catch-all receives: paths the spec does
// not have, and methods net/http does not name ("FROB"), which echo routes
// here whatever the path. On a path of the spec, such a method gets the 405
// every other method gets.
func (g *Group) notFound(c echo.Context) error {
	if !slices.Contains(methods, c.Request().Method) {
		probe := g.echo.NewContext(c.Request(), nil)
		g.echo.Router().Find(http.MethodGet, echo.GetPath(c.Request()), probe)
		if allow, ok := g.table.allow[probe.Path()]; ok {
			return methodNotAllowed(allow)(c)
		}
	}
	return echo.ErrNotFound
}

// methodNotAllowed answers as echo's router does for a known path without
// the method: the error handler reads the Allow header from the context.
func methodNotAllowed(allow string) echo.HandlerFunc {
	return func(c echo.Context) error {
		c.Set(echo.ContextKeyHeaderAllow, allow)
		return echo.ErrMethodNotAllowed
	}
}

// The generated EchoRouter interfaces.

func (g *Group) CONNECT(path string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	return g.Add(http.MethodConnect, path, h, m...)
}

func (g *Group) DELETE(path string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	return g.Add(http.MethodDelete, path, h, m...)
}

func (g *Group) GET(path string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	return g.Add(http.MethodGet, path, h, m...)
}

func (g *Group) HEAD(path string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	return g.Add(http.MethodHead, path, h, m...)
}

func (g *Group) OPTIONS(path string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	return g.Add(http.MethodOptions, path, h, m...)
}

func (g *Group) PATCH(path string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	return g.Add(http.MethodPatch, path, h, m...)
}

func (g *Group) POST(path string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	return g.Add(http.MethodPost, path, h, m...)
}

func (g *Group) PUT(path string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	return g.Add(http.MethodPut, path, h, m...)
}

func (g *Group) TRACE(path string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	return g.Add(http.MethodTrace, path, h, m...)
}
