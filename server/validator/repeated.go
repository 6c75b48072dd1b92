package validator

import (
	"maps"
	"mime"
	"net/http"
	"net/url"
	"slices"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
)

// RepeatedError is a query parameter or form field that the spec declares
// as one value, sent more than once. kin-openapi validates the first value
// and drops the others, so which one the request meant is unknown: the
// request is refused instead. Names the spec does not declare are not
// checked.
type RepeatedError struct{ Name string }

func (e *RepeatedError) Error() string { return e.Name + " given more than once" }

const formContentType = "application/x-www-form-urlencoded"

func repeatedQueryParameter(route *routers.Route, query url.Values) *openapi3filter.RequestError {
	for _, params := range []openapi3.Parameters{route.PathItem.Parameters, route.Operation.Parameters} {
		for _, ref := range params {
			p := ref.Value
			if p.In == openapi3.ParameterInQuery && len(query[p.Name]) > 1 && !isArray(p.Schema) {
				return &openapi3filter.RequestError{Parameter: p, Err: &RepeatedError{Name: p.Name}}
			}
		}
	}
	return nil
}

// repeatedFormField checks a form body that kin-openapi has validated (and
// put back). Parsing it here caches it in the request, so the handler's own
// reading of the form costs nothing more.
func repeatedFormField(route *routers.Route, req *http.Request) *openapi3filter.RequestError {
	body := route.Operation.RequestBody
	if body == nil || body.Value == nil {
		return nil
	}
	mediaType, _, err := mime.ParseMediaType(req.Header.Get("Content-Type"))
	if err != nil || mediaType != formContentType {
		return nil
	}
	media := body.Value.Content.Get(formContentType)
	if media == nil || media.Schema == nil || media.Schema.Value == nil {
		return nil
	}
	if err := req.ParseForm(); err != nil {
		return &openapi3filter.RequestError{RequestBody: body.Value, Reason: "the form cannot be parsed", Err: err}
	}
	properties := media.Schema.Value.Properties
	for _, name := range slices.Sorted(maps.Keys(properties)) {
		if len(req.PostForm[name]) > 1 && !isArray(properties[name]) {
			return &openapi3filter.RequestError{RequestBody: body.Value, Err: &RepeatedError{Name: name}}
		}
	}
	return nil
}

func isArray(schema *openapi3.SchemaRef) bool {
	return schema != nil && schema.Value != nil && schema.Value.Type.Is(openapi3.TypeArray)
}
