package validator

import (
	"errors"
	"github.com/twilio-stubs/userconversations/gen/conversationsserver"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/labstack/echo/v4"
)

// The template router must find what gorillamux finds: the same route,
// variables and errors, for matching and non-matching paths alike.
func TestTemplateRouterMatchesGorillamux(t *testing.T) {
	spec, err := conversationsserver.GetSwagger()
	if err != nil {
		t.Fatal(err)
	}
	hostless := *spec
	hostless.Servers = nil
	const (
		us = "USaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		ch = "CHaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		is = "ISaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	)
	targets := []string{
		"/v1/Users/" + us + "/Conversations",
		"/v1/Users/" + us + "/Conversations?PageSize=5&PageToken=x",
		"/v1/Users/" + us + "/Conversations/" + ch,
		"/v1/Users/alice/Conversations/general",
		"/v1/Services/" + is + "/Users/" + us + "/Conversations",
		"/v1/Services/" + is + "/Users/" + us + "/Conversations/" + ch,
		"/v1/Users/a%2Fb/Conversations",
		"/v1/Users/dan%20the%20man/Conversations/a%25b",
		"/v1/Users/Zo%C3%AB/Conversations",
		"/v1/Users/x+y@example.com/Conversations/%7Bweird%7D",
		"/v1/Users/Conversations",
		"/v1/Users//Conversations",
		"/v1/Users/alice/Conversations/",
		"/v1/Users/alice/Conversations//",
		"/v1/Users/alice/Conversations/general/extra",
		"/v1/users/alice/Conversations",
		"/v1/Users/alice",
		"/v1/Services/" + is + "/Users/alice/Conversations/",
		"/v1//Users/alice/Conversations",
		"//v1/Users/alice/Conversations",
		"/",
		"/_stub/world",
		"/v2/Users/alice/Conversations",
	}
	compareRouters(t, &hostless, targets)

	// A spec with a root path, literal-only paths and variables side by side.
	op := &openapi3.Operation{Responses: openapi3.NewResponses()}
	doc := &openapi3.T{OpenAPI: "3.0.3", Info: &openapi3.Info{Title: "t", Version: "1"}, Paths: openapi3.NewPaths(
		openapi3.WithPath("/", &openapi3.PathItem{Get: op}),
		openapi3.WithPath("/ping", &openapi3.PathItem{Get: op, Post: op}),
		openapi3.WithPath("/a/{x}", &openapi3.PathItem{Delete: op}),
		openapi3.WithPath("/a/b", &openapi3.PathItem{Get: op}),
		openapi3.WithPath("/a/{x}/b/{y}", &openapi3.PathItem{Get: op}),
	)}
	compareRouters(t, doc, []string{"/", "//", "/ping", "/ping/", "/a/b", "/a/c", "/a/", "/a/%2F/b/y", "/a/x/b/", "/a/x/b/y/z", ""})
}

func compareRouters(t *testing.T, doc *openapi3.T, targets []string) {
	t.Helper()
	mux, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	fast := newTemplateRouter(doc, mux)
	if _, ok := fast.(*templateRouter); !ok {
		t.Fatal("the spec's paths should all be whole-segment templates")
	}
	methods := []string{http.MethodGet, http.MethodPost, http.MethodDelete, http.MethodPut, http.MethodPatch, http.MethodOptions, http.MethodHead}
	for _, target := range targets {
		for _, method := range methods {
			req := httptest.NewRequest(method, "http://stub.test"+target, nil)
			wantRoute, wantVars, wantErr := mux.FindRoute(req)
			gotRoute, gotVars, gotErr := fast.FindRoute(req)
			if !sameError(gotErr, wantErr) {
				t.Errorf("%s %s: error %v, gorillamux %v", method, target, gotErr, wantErr)
				continue
			}
			if !reflect.DeepEqual(gotVars, wantVars) && !(len(gotVars) == 0 && len(wantVars) == 0) {
				t.Errorf("%s %s: vars %v, gorillamux %v", method, target, gotVars, wantVars)
			}
			if (gotRoute == nil) != (wantRoute == nil) {
				t.Errorf("%s %s: route %v, gorillamux %v", method, target, gotRoute, wantRoute)
				continue
			}
			if gotRoute != nil && *gotRoute != *wantRoute {
				t.Errorf("%s %s: route %+v, gorillamux %+v", method, target, *gotRoute, *wantRoute)
			}
		}
	}
}

func sameError(a, b error) bool {
	if a == nil || b == nil {
		return a == b
	}
	return errors.Is(a, b) || a.Error() == b.Error()
}

// Templates the segment matcher does not cover leave gorillamux in charge.
func TestTemplateRouterFallsBack(t *testing.T) {
	for _, path := range []string{"/files/{name}.json", "/items/{id:[0-9]+}", "/a{b}/c"} {
		doc := &openapi3.T{OpenAPI: "3.0.3", Info: &openapi3.Info{Title: "t", Version: "1"}, Paths: openapi3.NewPaths(
			openapi3.WithPath(path, &openapi3.PathItem{Get: &openapi3.Operation{Responses: openapi3.NewResponses()}}),
		)}
		var mux routers.Router = &gorillamux.Router{}
		if got := newTemplateRouter(doc, mux); got != mux {
			t.Errorf("%s: got a template router, want the fallback", path)
		}
	}
}

// countingBody stands for a middleware's wrapper around an empty body.
type countingBody struct{ reads int }

func (b *countingBody) Read([]byte) (int, error) { b.reads++; return 0, io.EOF }
func (b *countingBody) Close() error             { return nil }

// A request without a body is validated without reading its (wrapped) body,
// and keeps that body for the handlers.
func TestEmptyBodyIsNotReadForValidation(t *testing.T) {
	spec, err := conversationsserver.GetSwagger()
	if err != nil {
		t.Fatal(err)
	}
	router, err := NewRouter(spec)
	if err != nil {
		t.Fatal(err)
	}
	options := &Options{Options: openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
	for _, method := range []string{http.MethodGet, http.MethodPost} {
		req := httptest.NewRequest(method, "/v1/Users/alice/Conversations/general", nil)
		req.SetBasicAuth("ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "token")
		body := &countingBody{}
		req.Body = body
		c := echo.New().NewContext(req, httptest.NewRecorder())
		if httpErr := ValidateRequestFromContext(c, router, options); httpErr != nil {
			t.Errorf("%s: %v", method, httpErr)
		}
		if body.reads != 0 || req.Body != io.ReadCloser(body) {
			t.Errorf("%s: body read %d times, body afterwards %T", method, body.reads, req.Body)
		}
	}
}
