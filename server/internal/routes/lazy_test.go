package routes

import (
	"errors"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/twilio-stubs/userconversations/gen/adminserver"
	"github.com/twilio-stubs/userconversations/gen/conversationsserver"
)

// A lazy table is the spec as kin-openapi reads it, for every embedded
// spec, and it loads the spec only when a route's OpenAPI is asked for. A
// change to a spec that NewLazy reads differently from kin-openapi fails
// here.
func TestLazyTableIsKinOpenAPIsReading(t *testing.T) {
	for _, spec := range []struct {
		name     string
		rawSpecs func(string) map[string]func() ([]byte, error)
		load     func() (*openapi3.T, error)
	}{
		{"openapi.yaml", conversationsserver.PathToRawSpec, conversationsserver.GetSpec},
		{"admin.yaml", adminserver.PathToRawSpec, adminserver.GetSpec},
	} {
		t.Run(spec.name, func(t *testing.T) {
			doc, err := spec.load()
			if err != nil {
				t.Fatal(err)
			}
			want := kinRoutes(doc)
			loads := 0
			lazy, err := FromEmbedded(spec.rawSpecs, func() (*openapi3.T, error) {
				loads++
				return spec.load()
			})
			if err != nil {
				t.Fatal(err)
			}
			var order []string
			for _, p := range doc.Paths.InMatchingOrder() {
				order = append(order, EchoPath(p))
			}
			if !reflect.DeepEqual(lazy.paths, order) {
				t.Errorf("paths %v, kin-openapi's %v", lazy.paths, order)
			}
			if len(lazy.routes) != len(want) {
				t.Fatalf("%d routes, kin-openapi has %d", len(lazy.routes), len(want))
			}
			for k, w := range want {
				got := lazy.routes[k]
				if got == nil {
					t.Fatalf("no route %s", k)
				}
				if g := exported(got); !reflect.DeepEqual(g, w) {
					t.Errorf("%s:\n got %+v\nwant %+v", k, g, w)
				}
			}
			if loads != 0 {
				t.Fatalf("the spec was loaded %d times before a route's OpenAPI was asked for", loads)
			}
			for k, w := range want {
				got := lazy.routes[k].OpenAPI()
				if got.Path != w.Path || got.Method != w.Method || got.Operation == nil || got.Operation.OperationID != w.OperationID || got.Spec == nil {
					t.Errorf("%s: kin-openapi route %+v", k, got)
				}
			}
			if loads != 1 {
				t.Errorf("the spec was loaded %d times, want once", loads)
			}
		})
	}
}

// kinRoutes is what a table should hold of doc, read from kin-openapi's
// document: each route but its Raw and OpenAPI.
func kinRoutes(doc *openapi3.T) map[string]Route {
	out := map[string]Route{}
	for path, item := range doc.Paths.Map() {
		ops := item.Operations()
		allow := strings.Join(append([]string{"OPTIONS"}, slices.Sorted(maps.Keys(ops))...), ", ")
		for method, op := range ops {
			r := Route{
				Method: method, EchoPath: EchoPath(path), Path: path, OperationID: op.OperationID,
				Tags: op.Tags, Open: op.Security != nil && len(*op.Security) == 0, Allow: allow,
			}
			if body := op.RequestBody; body != nil && body.Value != nil {
				r.MediaTypes = slices.Sorted(maps.Keys(body.Value.Content))
				r.BodyExtensions = body.Value.Extensions
			}
			out[key(method, r.EchoPath)] = r
		}
	}
	return out
}

// exported is a route without its Raw and OpenAPI.
func exported(r *Route) Route {
	c := *r
	c.openapi, c.Raw = nil, RawOperation{}
	return c
}

func TestLazyTableRefusesWhatItCannotRead(t *testing.T) {
	for _, tc := range []struct{ name, raw, want string }{
		{"not JSON", `paths:`, "the spec"},
		{"no paths", `{"openapi":"3.0.3"}`, "no paths"},
		{"a path item $ref", `{"paths":{"/a":{"$ref":"#/x"}}}`, "$ref"},
		{"no operationId", `{"paths":{"/a":{"get":{}}}}`, "no operationId"},
		{"an operationId twice", `{"paths":{"/a":{"get":{"operationId":"A"}},"/b":{"get":{"operationId":"A"}}}}`, "used twice"},
		{"a request body that is not the spec's", `{"paths":{"/a":{"post":{"operationId":"A","requestBody":{"$ref":"#/components/requestBodies/Nope"}}}}}`, "not a component of the spec"},
		{"$refs that go round", `{"paths":{"/a":{"post":{"operationId":"A","requestBody":{"$ref":"#/components/requestBodies/B"}}}},"components":{"requestBodies":{"B":{"$ref":"#/components/requestBodies/B"}}}}`, "$refs in a row"},
		{"a request body elsewhere", `{"paths":{"/a":{"post":{"operationId":"A","requestBody":{"$ref":"other.yaml#/B"}}}}}`, "not a component of the spec"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewLazy([]byte(tc.raw), nil)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err %v, want one saying %q", err, tc.want)
			}
		})
	}
}

// A lazy table reads path items' other keys as kin-openapi does (not as
// operations), and follows a request body's $ref.
func TestLazyTableReadsOperations(t *testing.T) {
	raw := `{"paths":{"/a/{id}":{"summary":"s","parameters":[],"get":{"operationId":"Get","tags":["t"]},
	  "post":{"operationId":"Post","security":[],"requestBody":{"$ref":"#/components/requestBodies/B"}}}},
	  "components":{"requestBodies":{"B":{"x-flag":true,"content":{"text/plain":{},"application/json":{}}}}}}`
	tbl, err := NewLazy([]byte(raw), func() (*openapi3.T, error) { return nil, errors.New("no document here") })
	if err != nil {
		t.Fatal(err)
	}
	get, post := tbl.Lookup("GET", "/a/:id"), tbl.Lookup("POST", "/a/:id")
	switch {
	case get == nil || post == nil || len(tbl.routes) != 2:
		t.Fatalf("routes %v", tbl.routes)
	case get.Open || !post.Open || get.Tags[0] != "t" || get.MediaTypes != nil || get.BodyExtensions != nil:
		t.Errorf("get %+v, post %+v", get, post)
	case !reflect.DeepEqual(post.MediaTypes, []string{"application/json", "text/plain"}) || post.BodyExtensions["x-flag"] != true:
		t.Errorf("post's body: %v %v", post.MediaTypes, post.BodyExtensions)
	case get.Allow != "OPTIONS, GET, POST":
		t.Errorf("Allow %q", get.Allow)
	}
	// A spec that stops loading is a broken build: say so, loudly.
	defer func() {
		if p := recover(); p == nil || !strings.Contains(p.(string), "no document here") {
			t.Errorf("OpenAPI on a spec that does not load: panic %v", p)
		}
	}()
	get.OpenAPI()
}
