package validation

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/labstack/echo/v4"

	"github.com/twilio-stubs/userconversations/api"
	"github.com/twilio-stubs/userconversations/server/internal/routes"
	"github.com/twilio-stubs/userconversations/server/internal/twilioerr"
)

// A Problem is one place where a request or a response breaks the spec,
// as proxy mode reports it: where, which rule, and the offending value
// when it may be shown.
type Problem struct {
	// Location is where the problem is: "path", "query", "header" or
	// "body" of a request; "status", "header" or "body" of a response.
	Location string
	// Name is the parameter or header; "" for the status and the body.
	Name string
	// Pointer is the JSON Pointer (RFC 6901) of the offending value in the
	// body, "/conversations/0/unread_messages_count"; "" for the body as a
	// whole, and outside the body.
	Pointer string
	// Rule is the schema keyword broken (type, required, enum, pattern,
	// format, minimum, maxLength, ...), or one of the Rule constants.
	Rule string
	// Message says what is wrong, without the value.
	Message string
	// Value is the offending value as JSON ("\"12\"", "5", "null"): only a
	// scalar, never an object or array; "" when not shown.
	Value string
	// Redacted says the value was withheld: the spec marks the property
	// as personal data (x-twilio: {pii: ...}).
	Redacted bool
}

// Rules that are not schema keywords.
const (
	RuleStatus      = "status"       // the status is not declared for the operation
	RuleContentType = "content_type" // the media type is not declared for the status
	RuleJSON        = "json"         // the body does not parse as the JSON its media type says
	RuleInvalid     = "invalid"      // refused by one of the stub's own checks (a repeated parameter, say)
)

// Locations of a response's problems; a request's are the Reason constants.
const (
	LocationStatus = "status"
	LocationHeader = "header"
	LocationBody   = "body"
)

// refusal is the answer to a request that kin-openapi found breaks the
// spec, with kin-openapi's own error for RequestProblems. It unwraps to
// the answer, which the error handler writes.
type refusal struct {
	answer error
	cause  error
}

func (r *refusal) Error() string { return r.answer.Error() }
func (r *refusal) Unwrap() error { return r.answer }

// RequestProblems takes apart the error request validation answered a
// request with (Request's failed is told of it); reason is where the
// request broke the spec.
func RequestProblems(doc *openapi3.T, reason string, err error) []Problem {
	var r *refusal
	if !errors.As(err, &r) {
		// One of the stub's own checks: its answer says it all.
		message := err.Error()
		var twErr *twilioerr.Error
		if errors.As(err, &twErr) {
			message = twErr.Message
		}
		return []Problem{{Location: reason, Rule: RuleInvalid, Message: message}}
	}
	p := Problem{Location: reason, Rule: RuleInvalid, Message: firstLine(r.answer.Error())}
	var twErr *twilioerr.Error
	if errors.As(r.answer, &twErr) {
		p.Message = twErr.Message
	}
	var reqErr *openapi3filter.RequestError
	if errors.As(r.cause, &reqErr) && reqErr.Parameter != nil {
		p.Name = reqErr.Parameter.Name
	}
	var parseErr *openapi3filter.ParseError
	if errors.As(r.cause, &parseErr) && len(parseErr.Path()) > 0 && p.Name == "" {
		// A form field that does not parse as its type.
		tokens := make([]string, len(parseErr.Path()))
		for i, t := range parseErr.Path() {
			tokens[i] = fmt.Sprint(t)
		}
		p.Pointer, p.Rule = pointer(tokens), "type"
	}
	var schemaErr *openapi3.SchemaError
	if errors.As(r.cause, &schemaErr) {
		p.Rule, p.Message = schemaErr.SchemaField, firstLine(schemaErr.Reason)
		if p.Name == "" {
			p.Pointer = pointer(schemaErr.JSONPointer())
		}
		p.Value, p.Redacted = shown(schemaErr.Value, personal(doc, schemaErr, p.Name))
	}
	return []Problem{p}
}

// ResponseProblems checks a response of route's operation against the
// spec and reports every problem it has, not only the first: the status,
// each declared header, the media type, and every value of the body
// (kin-openapi's MultiError).
func ResponseProblems(route *routes.Route, status int, header http.Header, body []byte) []Problem {
	op := route.OpenAPI().Operation
	ref := op.Responses.Status(status)
	if ref == nil {
		ref = op.Responses.Default()
	}
	if ref == nil || ref.Value == nil {
		return []Problem{{
			Location: LocationStatus, Rule: RuleStatus, Value: strconv.Itoa(status),
			Message: fmt.Sprintf("status %d is not declared for %s", status, route.OperationID),
		}}
	}
	doc := route.OpenAPI().Spec
	var problems []Problem
	for _, name := range slices.Sorted(maps.Keys(ref.Value.Headers)) {
		if !strings.EqualFold(name, echo.HeaderContentType) {
			problems = append(problems, headerProblems(doc, name, ref.Value.Headers[name].Value, header)...)
		}
	}
	return append(problems, bodyProblems(doc, status, ref.Value, header, body)...)
}

// headerProblems checks one declared header: there if required, and its
// value against its schema.
func headerProblems(doc *openapi3.T, name string, spec *openapi3.Header, header http.Header) []Problem {
	values := header.Values(name)
	if len(values) == 0 {
		if spec.Required {
			return []Problem{{Location: LocationHeader, Name: name, Rule: "required", Message: "header " + name + " is missing"}}
		}
		return nil
	}
	if spec.Schema == nil || spec.Schema.Value == nil {
		return nil
	}
	schema := spec.Schema.Value
	var value any = values[0]
	switch {
	case schema.Type.Is(openapi3.TypeInteger), schema.Type.Is(openapi3.TypeNumber):
		n, err := strconv.ParseFloat(values[0], 64)
		if err != nil {
			v, _ := json.Marshal(values[0])
			return []Problem{{Location: LocationHeader, Name: name, Rule: "type", Message: "value must be a number", Value: string(v)}}
		}
		value = n
	case schema.Type.Is(openapi3.TypeBoolean):
		b, err := strconv.ParseBool(values[0])
		if err != nil {
			v, _ := json.Marshal(values[0])
			return []Problem{{Location: LocationHeader, Name: name, Rule: "type", Message: "value must be a boolean", Value: string(v)}}
		}
		value = b
	}
	var problems []Problem
	for _, se := range schemaErrors(schema.VisitJSON(value, schemaOptions...)) {
		p := Problem{Location: LocationHeader, Name: name, Rule: se.SchemaField, Message: firstLine(se.Reason)}
		p.Value, p.Redacted = shown(se.Value, personal(doc, se, name))
		problems = append(problems, p)
	}
	return problems
}

// bodyProblems checks the media type, that the body parses, and every
// value of it against the schema.
func bodyProblems(doc *openapi3.T, status int, spec *openapi3.Response, header http.Header, body []byte) []Problem {
	if len(spec.Content) == 0 {
		return nil // nothing is said of the body (a 204's)
	}
	contentType := header.Get(echo.HeaderContentType)
	media := spec.Content.Get(contentType)
	if media == nil {
		v, _ := json.Marshal(contentType)
		return []Problem{{
			Location: LocationBody, Rule: RuleContentType, Value: string(v),
			Message: fmt.Sprintf("media type %q is not declared for status %d", contentType, status),
		}}
	}
	if media.Schema == nil || media.Schema.Value == nil {
		return nil
	}
	if mediaType, _, _ := mime.ParseMediaType(contentType); mediaType != echo.MIMEApplicationJSON {
		return nil // the Twilio API answers JSON only; nothing else to parse
	}
	value, err := decodeOneJSON(body)
	if err != nil {
		return []Problem{{Location: LocationBody, Rule: RuleJSON, Message: "the body is not JSON: " + firstLine(err.Error())}}
	}
	var problems []Problem
	for _, se := range schemaErrors(media.Schema.Value.VisitJSON(value, responseSchemaOptions...)) {
		p := Problem{Location: LocationBody, Pointer: pointer(se.JSONPointer()), Rule: se.SchemaField, Message: firstLine(se.Reason)}
		p.Value, p.Redacted = shown(se.Value, personal(doc, se, ""))
		problems = append(problems, p)
	}
	return problems
}

// Schema options for checking every value, not only the first that fails.
var (
	schemaOptions         = append(api.SchemaOptions(), openapi3.MultiErrors())
	responseSchemaOptions = append(api.SchemaOptions(), openapi3.MultiErrors(), openapi3.VisitAsResponse())
)

// schemaErrors flattens kin-openapi's MultiError (nested ones included)
// into its schema errors; an error of another kind becomes a schema error
// without a keyword, so that nothing is dropped.
func schemaErrors(err error) []*openapi3.SchemaError {
	if err == nil {
		return nil
	}
	var multi openapi3.MultiError
	if errors.As(err, &multi) {
		var out []*openapi3.SchemaError
		for _, e := range multi {
			out = append(out, schemaErrors(e)...)
		}
		return out
	}
	var se *openapi3.SchemaError
	if errors.As(err, &se) {
		return []*openapi3.SchemaError{se}
	}
	return []*openapi3.SchemaError{{SchemaField: "schema", Reason: err.Error()}}
}

// pointer writes JSON Pointer tokens as a JSON Pointer (RFC 6901).
func pointer(tokens []string) string {
	var b strings.Builder
	for _, tok := range tokens {
		b.WriteByte('/')
		b.WriteString(strings.NewReplacer("~", "~0", "/", "~1").Replace(tok))
	}
	return b.String()
}

// shown is how a problem shows its offending value: a scalar as JSON, an
// object or array not at all (it may hold anything), and nothing of a
// personal one (redacted).
func shown(value any, personal bool) (string, bool) {
	switch value.(type) {
	case nil, string, bool, float64, int, int64, json.Number:
		if personal {
			return "", true
		}
		v, err := json.Marshal(value)
		if err != nil {
			return "", false
		}
		return string(v), false
	}
	return "", false
}

// personal reports whether the value se is about is personal data: its
// schema, or a property on its way (or the parameter or header name), is
// one the spec marks `x-twilio: {pii: ...}`.
func personal(doc *openapi3.T, se *openapi3.SchemaError, name string) bool {
	if se.Schema != nil && isPII(se.Schema) {
		return true
	}
	names := piiNames(doc)
	if names[name] {
		return true
	}
	for _, tok := range se.JSONPointer() {
		if names[tok] {
			return true
		}
	}
	return false
}

func isPII(s *openapi3.Schema) bool {
	ext, _ := s.Extensions["x-twilio"].(map[string]any)
	_, ok := ext["pii"]
	return ok
}

// piiNames are the properties a spec marks as personal data, collected
// once per spec.
func piiNames(doc *openapi3.T) map[string]bool {
	if doc == nil {
		return nil
	}
	if names, ok := piiCache.Load(doc); ok {
		return names.(map[string]bool)
	}
	names := map[string]bool{}
	seen := map[*openapi3.Schema]bool{}
	var walk func(*openapi3.SchemaRef)
	walk = func(ref *openapi3.SchemaRef) {
		if ref == nil || ref.Value == nil || seen[ref.Value] {
			return
		}
		s := ref.Value
		seen[s] = true
		for name, prop := range s.Properties {
			if prop != nil && prop.Value != nil && isPII(prop.Value) {
				names[name] = true
			}
			walk(prop)
		}
		walk(s.Items)
		for _, list := range []openapi3.SchemaRefs{s.AllOf, s.AnyOf, s.OneOf} {
			for _, sub := range list {
				walk(sub)
			}
		}
	}
	if doc.Components != nil {
		for _, s := range doc.Components.Schemas {
			walk(s)
		}
	}
	piiCache.Store(doc, names)
	return names
}

var piiCache sync.Map // *openapi3.T -> map[string]bool
