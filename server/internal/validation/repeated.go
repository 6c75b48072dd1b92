package validation

import (
	"maps"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
)

// A query parameter or form field that the spec declares as one value, sent
// more than once, is refused: kin-openapi validates the first value and
// drops the others, so which one the request meant is unknown. Names the
// spec does not declare are not checked.

const formContentType = "application/x-www-form-urlencoded"

// repeatedQueryParameter returns the name of a single-valued query
// parameter given more than once, or "".
func repeatedQueryParameter(route *routers.Route, query url.Values) string {
	for _, params := range []openapi3.Parameters{route.PathItem.Parameters, route.Operation.Parameters} {
		for _, ref := range params {
			p := ref.Value
			if p.In == openapi3.ParameterInQuery && len(query[p.Name]) > 1 && !isArray(p.Schema) {
				return p.Name
			}
		}
	}
	return ""
}

// repeatedFormField checks a form body that kin-openapi has validated (and
// put back), and returns the name of a single-valued field given more than
// once, or "". Parsing the form here caches it in the request, so the
// handler's own reading of it costs nothing more.
func repeatedFormField(route *routers.Route, req *http.Request) (string, error) {
	body := route.Operation.RequestBody
	if body == nil || body.Value == nil {
		return "", nil
	}
	mediaType, _, err := mime.ParseMediaType(req.Header.Get("Content-Type"))
	if err != nil || mediaType != formContentType {
		return "", nil
	}
	media := body.Value.Content.Get(formContentType)
	if media == nil || media.Schema == nil || media.Schema.Value == nil {
		return "", nil
	}
	if err := req.ParseForm(); err != nil {
		return "", err
	}
	properties := media.Schema.Value.Properties
	for _, name := range slices.Sorted(maps.Keys(properties)) {
		if len(req.PostForm[name]) > 1 && !isArray(properties[name]) {
			return name, nil
		}
	}
	return "", nil
}

func isArray(schema *openapi3.SchemaRef) bool {
	return schema != nil && schema.Value != nil && schema.Value.Type.Is(openapi3.TypeArray)
}

// FieldPath writes JSON Pointer tokens as a field path:
// {"accounts", "0", "sid"} is accounts[0].sid.
func FieldPath(tokens []string) string {
	var b strings.Builder
	for _, tok := range tokens {
		if _, err := strconv.ParseUint(tok, 10, 0); err == nil {
			b.WriteString("[" + tok + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(tok)
	}
	return b.String()
}
