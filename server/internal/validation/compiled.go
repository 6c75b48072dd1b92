package validation

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
)

// compiledParams are an operation's path and query parameter checks,
// compiled from the spec once. They are a fast way to say yes: when they
// accept a request's parameters, kin-openapi would too; when they do not,
// kin-openapi validates the request and words the error. They know only
// the constraints listed in compileSchema; an operation with any other
// has none, and kin-openapi checks every one of its requests.
type compiledParams struct {
	path  []paramCheck // in the order echo gives path parameters
	query []paramCheck
	// form checks the fields of an application/x-www-form-urlencoded
	// body; nil when the operation takes none, or one they cannot check.
	form []paramCheck
}

type paramCheck struct {
	name     string
	required bool
	check    func(string) bool
}

// compile returns the compiled checks of route, or an error naming the
// first constraint they do not know.
func compile(route *routers.Route) (*compiledParams, error) {
	var cp compiledParams
	for _, params := range []openapi3.Parameters{route.PathItem.Parameters, route.Operation.Parameters} {
		for _, ref := range params {
			p := ref.Value
			if p == nil {
				return nil, fmt.Errorf("an unresolved parameter")
			}
			if p.Content != nil || p.AllowEmptyValue || p.AllowReserved || p.Deprecated {
				return nil, fmt.Errorf("parameter %s: content, allowEmptyValue, allowReserved or deprecated", p.Name)
			}
			check, err := compileSchema(p.Schema)
			if err != nil {
				return nil, fmt.Errorf("parameter %s: %w", p.Name, err)
			}
			pc := paramCheck{name: p.Name, required: p.Required, check: check}
			switch {
			case p.In == openapi3.ParameterInPath && (p.Style == "" || p.Style == openapi3.SerializationSimple) && p.Explode == nil:
				cp.path = append(cp.path, pc)
			case p.In == openapi3.ParameterInQuery && (p.Style == "" || p.Style == openapi3.SerializationForm) && (p.Explode == nil || *p.Explode):
				cp.query = append(cp.query, pc)
			default:
				return nil, fmt.Errorf("parameter %s: in %s, style %q", p.Name, p.In, p.Style)
			}
		}
	}
	if body := route.Operation.RequestBody; body != nil {
		form, err := compileForm(body.Value)
		if err != nil {
			return nil, fmt.Errorf("request body: %w", err)
		}
		cp.form = form
	}
	// echo gives path values in the order the template names them.
	var ordered []paramCheck
	for rest := route.Path; ; {
		open, end := strings.IndexByte(rest, '{'), strings.IndexByte(rest, '}')
		if open < 0 || end < open {
			break
		}
		name := rest[open+1 : end]
		rest = rest[end+1:]
		i := slices.IndexFunc(cp.path, func(pc paramCheck) bool { return pc.name == name })
		if i < 0 {
			return nil, fmt.Errorf("path parameter %s is not declared", name)
		}
		ordered = append(ordered, cp.path[i])
	}
	if len(ordered) != len(cp.path) {
		return nil, fmt.Errorf("path parameters declared but not in the path")
	}
	cp.path = ordered
	return &cp, nil
}

// compileForm compiles the checks of a form body: an object whose
// properties compileSchema knows, nothing required, other fields allowed.
func compileForm(body *openapi3.RequestBody) ([]paramCheck, error) {
	if body == nil || body.Required || len(body.Content) != 1 {
		return nil, fmt.Errorf("a required body, or one of several media types")
	}
	media := body.Content.Get(formContentType)
	if media == nil || media.Schema == nil || media.Schema.Value == nil || len(media.Encoding) > 0 {
		return nil, fmt.Errorf("not a plain form")
	}
	s := media.Schema.Value
	raw, err := json.Marshal(s)
	if err != nil {
		return nil, err
	}
	var keywords map[string]json.RawMessage
	if err := json.Unmarshal(raw, &keywords); err != nil {
		return nil, err
	}
	for k := range keywords {
		if k != "type" && k != "properties" && k != "description" && !strings.HasPrefix(k, "x-") {
			return nil, fmt.Errorf("form schema keyword %q", k)
		}
	}
	if !s.Type.Is(openapi3.TypeObject) {
		return nil, fmt.Errorf("a form that is not an object")
	}
	var form []paramCheck
	for _, name := range slices.Sorted(maps.Keys(s.Properties)) {
		check, err := compileSchema(s.Properties[name])
		if err != nil {
			return nil, fmt.Errorf("field %s: %w", name, err)
		}
		form = append(form, paramCheck{name: name, check: check})
	}
	return form, nil
}

// knownKeywords are the schema keywords compileSchema handles, or that
// do not bear on validity.
var knownKeywords = map[string]bool{
	"type": true, "format": true, "enum": true, "default": true,
	"minLength": true, "maxLength": true, "pattern": true,
	"minimum": true, "maximum": true, "nullable": true,
	"title": true, "description": true, "example": true, "examples": true, "externalDocs": true,
}

// compileSchema compiles the checks of a parameter's schema: a string
// (minLength, maxLength, pattern, enum) or an integer (format int32 or
// int64, minimum, maximum, enum). A default needs nothing: it is the
// handler's. Any other keyword is refused.
func compileSchema(ref *openapi3.SchemaRef) (func(string) bool, error) {
	if ref == nil || ref.Value == nil {
		return nil, fmt.Errorf("no schema")
	}
	s := ref.Value
	// The schema as the spec has it: every keyword must be one the
	// compiled checks know, or say nothing about validity.
	raw, err := json.Marshal(s)
	if err != nil {
		return nil, err
	}
	var keywords map[string]json.RawMessage
	if err := json.Unmarshal(raw, &keywords); err != nil {
		return nil, err
	}
	for k := range keywords {
		if !knownKeywords[k] && !strings.HasPrefix(k, "x-") {
			return nil, fmt.Errorf("schema keyword %q", k)
		}
	}
	enum := make(map[string]bool, len(s.Enum))
	for _, v := range s.Enum {
		str, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("an enum of other values than strings")
		}
		enum[str] = true
	}
	// A null is never sent as such in a path, query or form: nullable only
	// makes an empty value mean null, which the checks leave to the full
	// one (they refuse every empty value).
	switch {
	case s.Type.Is(openapi3.TypeString) && s.Format == "":
		return stringCheck(s, enum)
	case s.Type.Is(openapi3.TypeString) && s.Format == "date-time" && len(enum) == 0 && s.Pattern == "" && s.MinLength == 0 && s.MaxLength == nil:
		return dateTimeCheck, nil
	case s.Type.Is(openapi3.TypeInteger) && (s.Format == "" || s.Format == "int32" || s.Format == "int64") && len(enum) == 0:
		return integerCheck(s), nil
	}
	return nil, fmt.Errorf("type %v, format %q", s.Type, s.Format)
}

func stringCheck(s *openapi3.Schema, enum map[string]bool) (func(string) bool, error) {
	var pattern *regexp.Regexp
	if s.Pattern != "" {
		var err error
		if pattern, err = regexp.Compile(s.Pattern); err != nil {
			return nil, fmt.Errorf("pattern %q: %w", s.Pattern, err)
		}
	}
	minLen, maxLen := s.MinLength, s.MaxLength
	return func(v string) bool {
		// kin-openapi counts characters, not bytes.
		n := uint64(utf8.RuneCountInString(v))
		return n >= minLen && (maxLen == nil || n <= *maxLen) &&
			(len(enum) == 0 || enum[v]) &&
			(pattern == nil || pattern.MatchString(v))
	}, nil
}

// dateTimeCheck accepts what kin-openapi's date-time format accepts
// (openapi3.FormatOfStringDateTime) and Go reads as RFC 3339.
func dateTimeCheck(v string) bool {
	if !dateTimeFormat.MatchString(v) {
		return false
	}
	_, err := time.Parse(time.RFC3339Nano, v)
	return err == nil
}

var dateTimeFormat = regexp.MustCompile(openapi3.FormatOfStringDateTime)

// integerCheck accepts plain decimal integers only (an optional minus,
// digits): kin-openapi accepts those and more (1e2, 1.0), which the
// compiled check leaves to it.
func integerCheck(s *openapi3.Schema) func(string) bool {
	lo, hi := math.Inf(-1), math.Inf(1)
	if s.Min != nil {
		lo = *s.Min
	}
	if s.Max != nil {
		hi = *s.Max
	}
	if s.Format == "int32" {
		lo, hi = max(lo, math.MinInt32), min(hi, math.MaxInt32)
	}
	return func(v string) bool {
		digits := strings.TrimPrefix(v, "-")
		if digits == "" || len(digits) > 15 || strings.Trim(digits, "0123456789") != "" {
			return false
		}
		n, err := strconv.ParseInt(v, 10, 64)
		return err == nil && float64(n) >= lo && float64(n) <= hi
	}
}

// accepts reports whether the parameters, as echo matched them (raw path
// values in path order, and the query), certainly pass the spec.
func (cp *compiledParams) accepts(pathValues []string, query url.Values) bool {
	if len(pathValues) != len(cp.path) {
		return false
	}
	for i, pc := range cp.path {
		v := pathValues[i]
		if v == "" || strings.IndexByte(v, '/') >= 0 {
			return false // not the spec's path: a 404, which the full check answers
		}
		if strings.IndexByte(v, '%') >= 0 {
			var err error
			if v, err = url.PathUnescape(v); err != nil {
				return false
			}
		}
		if !pc.check(v) {
			return false
		}
	}
	return acceptsValues(cp.query, query)
}

// acceptsValues checks query parameters or form fields: each sent once,
// not empty, and passing its check.
func acceptsValues(checks []paramCheck, values url.Values) bool {
	for _, pc := range checks {
		vs, sent := values[pc.name]
		switch {
		case !sent && pc.required, sent && len(vs) != 1:
			return false
		case sent && (vs[0] == "" || !pc.check(vs[0])):
			return false
		}
	}
	return true
}
