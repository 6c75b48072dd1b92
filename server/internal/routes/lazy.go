package routes

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
)

// NewLazy builds the table of a spec from its JSON form, raw, reading only
// what routing and the compiled checks need (paths, operations, their
// parameters and request bodies, and the components they refer to), and
// calls load for kin-openapi's document the first time a route's OpenAPI
// is asked for. kin-openapi takes milliseconds of CPU to load a spec: most
// of what a stub on the demo world spends before its first answer, which
// needs none (the compiled checks pass it).
//
// A test holds the table to the spec as kin-openapi loads it, for every
// embedded spec. load is the embedded spec's loader, which its tests keep
// working: its failing later is a broken build, and OpenAPI panics, naming
// the error.
func NewLazy(raw []byte, load func() (*openapi3.T, error)) (*Table, error) {
	// One pass over the document: the operations are decoded as they are
	// met, the rest of it skipped or kept as it is.
	var spec struct {
		Paths      map[string]*rawPathItem               `json:"paths"`
		Components map[string]map[string]json.RawMessage `json:"components"`
	}
	if err := json.Unmarshal(raw, &spec); err != nil {
		return nil, fmt.Errorf("routes: the spec: %w", err)
	}
	if spec.Paths == nil {
		return nil, fmt.Errorf("routes: the spec has no paths")
	}
	doc := sync.OnceValue(func() *openapi3.T {
		doc, err := load()
		if err != nil {
			panic(fmt.Sprintf("routes: the embedded spec does not load: %v", err))
		}
		return doc
	})
	components := &RawSpec{components: spec.Components}
	// kin-openapi's matching order.
	order := openapi3.NewPaths()
	for path := range spec.Paths {
		order.Set(path, &openapi3.PathItem{})
	}
	t := &Table{routes: make(map[string]*Route), allow: make(map[string]string)}
	for _, path := range order.InMatchingOrder() {
		item := spec.Paths[path]
		if item == nil {
			return nil, fmt.Errorf("routes: path %s is not an object", path)
		}
		if item.Ref != nil {
			return nil, fmt.Errorf("routes: path %s is a $ref, which NewLazy does not follow", path)
		}
		var ops []*Route
		for method, op := range item.operations() {
			r, err := lazyOperation(path, method, op, item.Parameters, components, doc)
			if err != nil {
				return nil, err
			}
			ops = append(ops, r)
		}
		if err := t.add(path, ops); err != nil {
			return nil, err
		}
	}
	slices.Sort(t.ids)
	return t, nil
}

// rawPathItem is what NewLazy reads of a path item: the rest (summary,
// servers...) is skipped.
type rawPathItem struct {
	Ref        *string           `json:"$ref"`
	Parameters []json.RawMessage `json:"parameters"`
	Get        *rawOperation     `json:"get"`
	Put        *rawOperation     `json:"put"`
	Post       *rawOperation     `json:"post"`
	Delete     *rawOperation     `json:"delete"`
	Options    *rawOperation     `json:"options"`
	Head       *rawOperation     `json:"head"`
	Patch      *rawOperation     `json:"patch"`
	Trace      *rawOperation     `json:"trace"`
}

// operations returns the item's operations by method.
func (item *rawPathItem) operations() map[string]*rawOperation {
	ops := make(map[string]*rawOperation)
	for method, op := range map[string]*rawOperation{
		http.MethodGet: item.Get, http.MethodPut: item.Put, http.MethodPost: item.Post,
		http.MethodDelete: item.Delete, http.MethodOptions: item.Options, http.MethodHead: item.Head,
		http.MethodPatch: item.Patch, http.MethodTrace: item.Trace,
	} {
		if op != nil {
			ops[method] = op
		}
	}
	return ops
}

// rawOperation is what NewLazy reads of an operation: the rest (its
// responses, above all) is skipped.
type rawOperation struct {
	OperationID string             `json:"operationId"`
	Tags        []string           `json:"tags"`
	Security    *[]json.RawMessage `json:"security"`
	Parameters  []json.RawMessage  `json:"parameters"`
	RequestBody json.RawMessage    `json:"requestBody"`
}

// lazyOperation reads the route of op, the operation of path and method,
// but its echo path and Allow, which Table.add sets; shared are its path
// item's parameters.
func lazyOperation(path, method string, op *rawOperation, shared []json.RawMessage, spec *RawSpec, doc func() *openapi3.T) (*Route, error) {
	r := &Route{
		Method:      method,
		Path:        path,
		OperationID: op.OperationID,
		Tags:        op.Tags,
		Open:        op.Security != nil && len(*op.Security) == 0,
		Raw: RawOperation{
			Parameters:  append(slices.Clip(shared), op.Parameters...),
			RequestBody: op.RequestBody,
			Spec:        spec,
		},
		openapi: sync.OnceValue(func() *routers.Route {
			d := doc()
			item := d.Paths.Value(path)
			return &routers.Route{Spec: d, Path: path, PathItem: item, Method: method, Operation: item.GetOperation(method)}
		}),
	}
	if op.RequestBody == nil {
		return r, nil
	}
	var body map[string]json.RawMessage
	if err := spec.Decode(op.RequestBody, &body); err != nil {
		return nil, fmt.Errorf("routes: %s %s: the request body: %w", method, path, err)
	}
	var content map[string]json.RawMessage
	if err := json.Unmarshal(body["content"], &content); err != nil {
		return nil, fmt.Errorf("routes: %s %s: the request body's content: %w", method, path, err)
	}
	r.MediaTypes = slices.Sorted(maps.Keys(content))
	for key, value := range body {
		if !strings.HasPrefix(key, "x-") {
			continue
		}
		var v any
		if err := json.Unmarshal(value, &v); err != nil {
			return nil, fmt.Errorf("routes: %s %s: the request body's %s: %w", method, path, key, err)
		}
		if r.BodyExtensions == nil {
			r.BodyExtensions = map[string]any{}
		}
		r.BodyExtensions[key] = v
	}
	return r, nil
}

// RawOperation is what the compiled checks need of an operation, as its
// spec's JSON has it.
type RawOperation struct {
	// Parameters are its path item's parameters, then its own.
	Parameters []json.RawMessage
	// RequestBody is its request body; nil when it takes none.
	RequestBody json.RawMessage
	// Spec resolves the $refs in them.
	Spec *RawSpec
}

// RawSpec holds the components of a spec's JSON, which local $refs
// (`#/components/schemas/Name`) point to.
type RawSpec struct {
	components map[string]map[string]json.RawMessage
}

// maxRefs bounds a chain of $refs, against a spec whose $refs go round.
const maxRefs = 32

// Resolve returns raw, or what its $ref points to when it is a reference
// object, following $ref after $ref. A reference to another document is an
// error: NewLazy reads one document.
func (s *RawSpec) Resolve(raw json.RawMessage) (json.RawMessage, error) {
	for range maxRefs {
		var ref struct {
			Ref *string `json:"$ref"`
		}
		if len(raw) == 0 || raw[0] != '{' {
			return raw, nil
		}
		if err := json.Unmarshal(raw, &ref); err != nil {
			return nil, err
		}
		if ref.Ref == nil {
			return raw, nil
		}
		kind, name, ok := strings.Cut(strings.TrimPrefix(*ref.Ref, "#/components/"), "/")
		target, found := s.components[kind][name]
		if !strings.HasPrefix(*ref.Ref, "#/components/") || !ok || !found {
			return nil, fmt.Errorf("$ref %q is not a component of the spec", *ref.Ref)
		}
		raw = target
	}
	return nil, fmt.Errorf("more than %d $refs in a row", maxRefs)
}

// Decode resolves raw, then decodes it into v.
func (s *RawSpec) Decode(raw json.RawMessage, v any) error {
	raw, err := s.Resolve(raw)
	if err != nil {
		return err
	}
	return json.Unmarshal(raw, v)
}
