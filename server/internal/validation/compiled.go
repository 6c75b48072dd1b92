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
	"sync"
	"time"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/twilio-stubs/userconversations/server/internal/routes"
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

// compile returns the compiled checks of route, read from the spec's JSON
// (kin-openapi's document is not needed, nor loaded), or an error naming
// the first constraint they do not know.
func compile(route *routes.Route) (*compiledParams, error) {
	raw := route.Raw
	if raw.Spec == nil {
		return nil, fmt.Errorf("no operation")
	}
	var cp compiledParams
	for _, ref := range raw.Parameters {
		var p struct {
			Name, In, Style                            string
			Required                                   bool
			Explode                                    *bool
			Schema                                     json.RawMessage
			Content                                    json.RawMessage
			AllowEmptyValue, AllowReserved, Deprecated bool
		}
		if err := raw.Spec.Decode(ref, &p); err != nil {
			return nil, fmt.Errorf("a parameter: %w", err)
		}
		if p.Content != nil || p.AllowEmptyValue || p.AllowReserved || p.Deprecated {
			return nil, fmt.Errorf("parameter %s: content, allowEmptyValue, allowReserved or deprecated", p.Name)
		}
		check, err := compileSchema(raw.Spec, p.Schema)
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
	if raw.RequestBody != nil {
		form, err := compileForm(raw.Spec, raw.RequestBody)
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
func compileForm(spec *routes.RawSpec, raw json.RawMessage) ([]paramCheck, error) {
	var body struct {
		Required bool
		Content  map[string]struct {
			Schema   json.RawMessage
			Encoding map[string]json.RawMessage
		}
	}
	if err := spec.Decode(raw, &body); err != nil {
		return nil, err
	}
	if body.Required || len(body.Content) != 1 {
		return nil, fmt.Errorf("a required body, or one of several media types")
	}
	media, ok := body.Content[formContentType]
	if !ok || media.Schema == nil || len(media.Encoding) > 0 {
		return nil, fmt.Errorf("not a plain form")
	}
	keywords, err := schemaKeywords(spec, media.Schema, formKeywords)
	if err != nil {
		return nil, err
	}
	var s struct {
		Type       string
		Properties map[string]json.RawMessage
	}
	if err := decodeKeywords(keywords, &s); err != nil {
		return nil, err
	}
	if s.Type != openapi3.TypeObject {
		return nil, fmt.Errorf("a form that is not an object")
	}
	var form []paramCheck
	for _, name := range slices.Sorted(maps.Keys(s.Properties)) {
		check, err := compileSchema(spec, s.Properties[name])
		if err != nil {
			return nil, fmt.Errorf("field %s: %w", name, err)
		}
		form = append(form, paramCheck{name: name, check: check})
	}
	return form, nil
}

// The schema keywords the compiled checks handle, or that do not bear on
// validity: of a form body's schema, and of a value's.
var (
	formKeywords  = map[string]bool{"type": true, "properties": true, "description": true}
	knownKeywords = map[string]bool{
		"type": true, "format": true, "enum": true, "default": true,
		"minLength": true, "maxLength": true, "pattern": true,
		"minimum": true, "maximum": true, "nullable": true,
		"title": true, "description": true, "example": true, "examples": true, "externalDocs": true,
	}
)

// schemaKeywords resolves a schema and returns its keywords, refusing
// any that known lacks but for extensions (x-...).
func schemaKeywords(spec *routes.RawSpec, raw json.RawMessage, known map[string]bool) (map[string]json.RawMessage, error) {
	if raw == nil {
		return nil, fmt.Errorf("no schema")
	}
	var keywords map[string]json.RawMessage
	if err := spec.Decode(raw, &keywords); err != nil {
		return nil, err
	}
	for k := range keywords {
		if !known[k] && !strings.HasPrefix(k, "x-") {
			return nil, fmt.Errorf("schema keyword %q", k)
		}
	}
	return keywords, nil
}

// decodeKeywords decodes a schema's keywords into v.
func decodeKeywords(keywords map[string]json.RawMessage, v any) error {
	raw, err := json.Marshal(keywords)
	if err != nil {
		return err
	}
	return json.Unmarshal(raw, v)
}

// valueSchema is what the compiled checks read of a value's schema.
type valueSchema struct {
	Type      string
	Format    string
	Enum      []any
	MinLength uint64
	MaxLength *uint64
	Pattern   string
	Minimum   *float64
	Maximum   *float64
}

// compileSchema compiles the checks of a parameter's schema: a string
// (minLength, maxLength, pattern, enum) or an integer (format int32 or
// int64, minimum, maximum, enum). A default needs nothing: it is the
// handler's. Any other keyword is refused.
func compileSchema(spec *routes.RawSpec, raw json.RawMessage) (func(string) bool, error) {
	keywords, err := schemaKeywords(spec, raw, knownKeywords)
	if err != nil {
		return nil, err
	}
	var s valueSchema
	if err := decodeKeywords(keywords, &s); err != nil {
		return nil, fmt.Errorf("schema: %w", err)
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
	case s.Type == openapi3.TypeString && s.Format == "":
		return stringCheck(s, enum)
	case s.Type == openapi3.TypeString && s.Format == "date-time" && len(enum) == 0 && s.Pattern == "" && s.MinLength == 0 && s.MaxLength == nil:
		return dateTimeCheck, nil
	case s.Type == openapi3.TypeInteger && (s.Format == "" || s.Format == "int32" || s.Format == "int64") && len(enum) == 0:
		return integerCheck(s), nil
	}
	return nil, fmt.Errorf("type %q, format %q", s.Type, s.Format)
}

func stringCheck(s valueSchema, enum map[string]bool) (func(string) bool, error) {
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
	if !dateTimeFormat().MatchString(v) {
		return false
	}
	_, err := time.Parse(time.RFC3339Nano, v)
	return err == nil
}

// dateTimeFormat is compiled on first use, not as the stub starts.
var dateTimeFormat = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(openapi3.FormatOfStringDateTime) })

// integerCheck accepts plain decimal integers only (an optional minus,
// digits): kin-openapi accepts those and more (1e2, 1.0), which the
// compiled check leaves to it.
func integerCheck(s valueSchema) func(string) bool {
	lo, hi := math.Inf(-1), math.Inf(1)
	if s.Minimum != nil {
		lo = *s.Minimum
	}
	if s.Maximum != nil {
		hi = *s.Maximum
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
