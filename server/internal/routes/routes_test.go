package routes_test

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/labstack/echo/v4"

	"github.com/twilio-stubs/userconversations/gen/adminserver"
	"github.com/twilio-stubs/userconversations/gen/conversationsserver"
	"github.com/twilio-stubs/userconversations/server/internal/routes"
)

func TestEchoPath(t *testing.T) {
	for in, want := range map[string]string{
		"/v1/Users/{UserSid}/Conversations":                    "/v1/Users/:UserSid/Conversations",
		"/v1/Services/{ChatServiceSid}/Users/{UserSid}/X/{Id}": "/v1/Services/:ChatServiceSid/Users/:UserSid/X/:Id",
		"/_stub/health": "/_stub/health",
	} {
		if got := routes.EchoPath(in); got != want {
			t.Errorf("EchoPath(%q) = %q, want %q", in, got, want)
		}
	}
}

func table(t *testing.T, rawSpecs func(string) map[string]func() ([]byte, error), load func() (*openapi3.T, error)) *routes.Table {
	t.Helper()
	tbl, err := routes.FromEmbedded(rawSpecs, load)
	if err != nil {
		t.Fatal(err)
	}
	return tbl
}

// Every operation of the Twilio spec is in the table, keyed as echo knows it.
func TestTableCoversTheSpec(t *testing.T) {
	tbl := table(t, conversationsserver.PathToRawSpec, conversationsserver.GetSpec)
	if ops := tbl.Operations(); len(ops) != 8 || !slices.IsSorted(ops) {
		t.Fatalf("operations %v, want 8, sorted", ops)
	}
	if !tbl.Has("FetchUserConversation") || tbl.Has("Fetch") {
		t.Error("Has")
	}
	r := tbl.Lookup(http.MethodPost, "/v1/Services/:ChatServiceSid/Users/:UserSid/Conversations/:ConversationSid")
	switch {
	case r == nil:
		t.Fatal("no route for the service-scoped update")
	case r.OperationID != "UpdateServiceUserConversation":
		t.Errorf("operation %q", r.OperationID)
	case !r.Accepts("application/x-www-form-urlencoded") || r.Accepts("application/json"):
		t.Errorf("media types %v", r.MediaTypes)
	case r.Open:
		t.Error("the update needs no credentials")
	case r.Allow != "OPTIONS, DELETE, GET, POST":
		t.Errorf("Allow %q", r.Allow)
	case r.OpenAPI() == nil || r.OpenAPI().Operation.OperationID != r.OperationID || r.OpenAPI().Path != r.Path:
		t.Errorf("kin-openapi route %+v", r.OpenAPI())
	}
	if tbl.Lookup(http.MethodPut, r.EchoPath) != nil {
		t.Error("a route for a method the spec lacks")
	}
}

// The admin spec's open operation (`security: []`) and its YAML bodies
// show in the table.
func TestTableReadsSecurityAndMediaTypes(t *testing.T) {
	tbl := table(t, adminserver.PathToRawSpec, adminserver.GetSpec)
	if r := tbl.Lookup(http.MethodGet, "/_stub/health"); r == nil || !r.Open {
		t.Errorf("health: %+v", r)
	}
	if r := tbl.Lookup(http.MethodGet, "/_stub/state"); r == nil || r.Open {
		t.Errorf("export: %+v", r)
	}
	if r := tbl.Lookup(http.MethodPut, "/_stub/state"); r == nil || !r.Accepts("application/yaml") || !r.Accepts("application/json") {
		t.Errorf("replace: %+v", r)
	}
}

// A group composes each route's chain once, from steps that see the route;
// it answers 405 with Allow for the spec's paths and 404 elsewhere, behind
// the same chain.
func TestGroup(t *testing.T) {
	tbl := table(t, conversationsserver.PathToRawSpec, conversationsserver.GetSpec)
	e := echo.New()
	var built []string
	seen := func(route *routes.Route) echo.MiddlewareFunc {
		name := "catch-all"
		if route != nil {
			name = route.Method + " " + route.OperationID
		}
		built = append(built, name)
		return func(next echo.HandlerFunc) echo.HandlerFunc {
			return func(c echo.Context) error {
				c.Response().Header().Add("X-Step", name)
				return next(c)
			}
		}
	}
	skipped := func(*routes.Route) echo.MiddlewareFunc { return nil }
	g := routes.NewGroup(e, tbl, seen, skipped)
	ok := func(c echo.Context) error { return c.String(http.StatusOK, c.Path()) }
	g.GET("/v1/Users/:UserSid/Conversations", ok)
	g.Finish("/")
	perRequest := len(built)

	tests := []struct {
		method, target string
		status         int
		step, allow    string
	}{
		{"GET", "/v1/Users/alice/Conversations", 200, "GET ListUserConversation", ""},
		{"PUT", "/v1/Users/alice/Conversations", 405, "PUT ", "GET"},
		{"FROB", "/v1/Users/alice/Conversations", 405, "catch-all", "GET"},
		{"FROB", "/v1/Nope", 404, "catch-all", ""},
		{"OPTIONS", "/v1/Users/alice/Conversations", 405, "OPTIONS ", "GET"},
		{"GET", "/v1/Nope", 404, "catch-all", ""},
		{"GET", "/", 404, "catch-all", ""},
	}
	for _, tt := range tests {
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, httptest.NewRequest(tt.method, tt.target, nil))
		if rec.Code != tt.status || rec.Header().Get("X-Step") != tt.step {
			t.Errorf("%s %s: %d via %q, want %d via %q", tt.method, tt.target, rec.Code, rec.Header().Get("X-Step"), tt.status, tt.step)
		}
		if tt.allow != "" && !strings.Contains(rec.Body.String(), "Method Not Allowed") {
			t.Errorf("%s %s: %s", tt.method, tt.target, rec.Body)
		}
	}
	if len(built) != perRequest {
		t.Errorf("steps were built per request: %d, then %d", perRequest, len(built))
	}
	defer func() {
		if recover() == nil {
			t.Error("registering an operation the spec lacks did not panic")
		}
	}()
	g.GET("/v1/Other", ok)
}
