package twilioapi_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/twilio-stubs/userconversations/gen/conversationsserver"
	"github.com/twilio-stubs/userconversations/server/internal/routes"
	"github.com/twilio-stubs/userconversations/server/internal/testkit"
)

// Every property of every response schema of the spec shows, with a value
// other than null, in an answer of the stub. The list of properties comes
// from the spec, not from the Go models: a property added to the spec and
// regenerated, but not rendered from the store, fails here by name.
func TestAnswersFillEverySchemaProperty(t *testing.T) {
	doc, err := conversationsserver.GetSpec()
	if err != nil {
		t.Fatal(err)
	}
	table, err := routes.FromEmbedded(conversationsserver.PathToRawSpec, conversationsserver.GetSpec)
	if err != nil {
		t.Fatal(err)
	}
	s := testkit.NewStubWith(t, testkit.ManyWorld(3), nil)
	seen := map[string]bool{}
	observe := func(method, target string, form url.Values, creds ...string) {
		t.Helper()
		r := s.Request(method, target, form, creds...)
		route := routeOf(t, doc, table, method, target)
		resp := route.OpenAPI().Operation.Responses.Status(r.Status)
		if resp == nil {
			t.Fatalf("%s %s answered %d, which the spec does not declare", method, target, r.Status)
		}
		media := resp.Value.Content.Get("application/json")
		if media == nil {
			return // no body
		}
		var body any
		if err := json.Unmarshal(r.Body, &body); err != nil {
			t.Fatalf("%s %s: %v", method, target, err)
		}
		walk(media.Schema, "", body, seen)
	}

	// A user conversation with every field set: bob in "general".
	observe(http.MethodGet, testkit.UCPath("bob", "general"), nil)
	observe(http.MethodPost, testkit.UCPath("bob", "general"), url.Values{"NotificationLevel": {"muted"}})
	// A middle page: both a previous and a next page.
	first := s.Request(http.MethodGet, testkit.UserPath("many")+"?PageSize=1", nil).Page(t)
	observe(http.MethodGet, s.PathOf(t, *first.Meta.NextPageUrl), nil)
	// Errors: a 401 carries detail.
	observe(http.MethodGet, testkit.UCPath("bob", "general"), nil, "-")
	observe(http.MethodGet, testkit.UCPath("bob", "nowhere"), nil)

	for _, name := range responseSchemaProperties(doc) {
		if !seen[name] {
			t.Errorf("%s is in the spec but never filled in an answer: render it from the store (server/internal/twilioapi)", name)
		}
	}
}

// routeOf finds the route of a request target by the spec's path
// templates: the same number of segments, equal literal ones.
func routeOf(t *testing.T, doc *openapi3.T, table *routes.Table, method, target string) *routes.Route {
	t.Helper()
	path, _, _ := strings.Cut(target, "?")
	got := strings.Split(path, "/")
	for template := range doc.Paths.Map() {
		want := strings.Split(template, "/")
		if len(want) != len(got) {
			continue
		}
		match := true
		for i := range want {
			if !strings.HasPrefix(want[i], "{") && want[i] != got[i] {
				match = false
			}
		}
		if match {
			return table.Lookup(method, routes.EchoPath(template))
		}
	}
	t.Fatalf("no route for %s %s", method, target)
	return nil
}

// walk records, for every object property that value holds with a value
// other than null, the name Schema.property, where Schema is the component
// schema the property belongs to (inline objects extend their parent's
// name).
func walk(ref *openapi3.SchemaRef, name string, value any, seen map[string]bool) {
	if ref == nil || ref.Value == nil || value == nil {
		return
	}
	if ref.Ref != "" {
		name = ref.Ref[strings.LastIndex(ref.Ref, "/")+1:]
	}
	switch v := value.(type) {
	case map[string]any:
		for prop, schema := range ref.Value.Properties {
			if pv, ok := v[prop]; ok && pv != nil {
				seen[name+"."+prop] = true
				walk(schema, name+"."+prop, pv, seen)
			}
		}
	case []any:
		for _, item := range v {
			walk(ref.Value.Items, name, item, seen)
		}
	}
}

// responseSchemaProperties lists Schema.property for every property of
// every schema that a response body of the spec can reach.
func responseSchemaProperties(doc *openapi3.T) []string {
	set := map[string]bool{}
	var visit func(ref *openapi3.SchemaRef, name string)
	visit = func(ref *openapi3.SchemaRef, name string) {
		if ref == nil || ref.Value == nil {
			return
		}
		if ref.Ref != "" {
			name = ref.Ref[strings.LastIndex(ref.Ref, "/")+1:]
		}
		if ref.Value.Items != nil {
			visit(ref.Value.Items, name)
		}
		for prop, schema := range ref.Value.Properties {
			if !set[name+"."+prop] {
				set[name+"."+prop] = true
				visit(schema, name+"."+prop)
			}
		}
	}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			for _, resp := range op.Responses.Map() {
				for _, media := range resp.Value.Content {
					visit(media.Schema, "")
				}
			}
		}
	}
	names := make([]string, 0, len(set))
	for name := range set {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}
