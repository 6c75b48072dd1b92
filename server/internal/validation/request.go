// Package validation checks HTTP traffic against an OpenAPI spec with
// kin-openapi, route by route: Request and Response are steps of an API's
// chain (package routes), built once per operation of the spec.
//
// A request that breaks the spec is answered with Twilio's 400 naming the
// parameter or field ("Invalid PageSize: number must be at most 1000");
// a response that breaks it is withheld and becomes a 500.
package validation

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"unsafe"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/labstack/echo/v4"

	"github.com/twilio-stubs/userconversations/api"
	"github.com/twilio-stubs/userconversations/server/internal/routes"
	"github.com/twilio-stubs/userconversations/server/internal/twilioerr"
)

// requestOptions are kin-openapi's options for every request: the caller
// has authenticated the request already. withoutBody leaves the body to
// the handler.
var (
	requestOptions = &openapi3filter.Options{
		AuthenticationFunc:      openapi3filter.NoopAuthenticationFunc,
		SchemaValidationOptions: api.SchemaOptions(),
	}
	withoutBody = &openapi3filter.Options{
		AuthenticationFunc:      openapi3filter.NoopAuthenticationFunc,
		SchemaValidationOptions: api.SchemaOptions(),
		ExcludeRequestBody:      true,
	}
)

// Request is the step that validates every request of an operation (path
// parameters, query, headers, body) against the spec. Routes that are not
// an operation (405s, the catch-all) are answered by their handlers.
//
// ownBody, if not nil, names the operations whose handler validates the
// body against the spec itself, as it decodes it: the body is then read
// once, not once here and once again there.
//
// failed, if not nil, is told of every request refused, with the reason's
// kind: where the request broke the spec ("path", "query", "header",
// "body"), for metrics, and the error answered, which RequestProblems
// takes apart, for proxy mode's violations.
func Request(ownBody func(*routes.Route) bool, failed func(c echo.Context, route *routes.Route, reason string, err error)) routes.Step {
	return func(route *routes.Route) echo.MiddlewareFunc {
		if route == nil || route.NotAllowed() {
			return nil
		}
		options := requestOptions
		if ownBody != nil && ownBody(route) {
			options = withoutBody
		}
		// An operation whose constraints the compiled checks do not know
		// is checked by kin-openapi alone. They are compiled from the
		// spec's JSON: kin-openapi's document is loaded only when it has
		// a request to check or an error to word (routes.NewLazy).
		compiled, _ := compile(route)
		return func(next echo.HandlerFunc) echo.HandlerFunc {
			return func(c echo.Context) error {
				ok, err := passes(c, compiled, options)
				if err != nil {
					return err
				}
				if ok {
					return next(c)
				}
				if reason, err := validateRequest(c, route, options); err != nil {
					if reason != "" && failed != nil {
						failed(c, route, reason, err)
					}
					return err
				}
				return next(c)
			}
		}
	}
}

// Where a request broke the spec, for Request's failed.
const (
	ReasonPath   = "path"
	ReasonQuery  = "query"
	ReasonHeader = "header"
	ReasonBody   = "body"
)

// pathParams returns the route's path parameters, unescaped. echo matches
// the escaped path, so an identity sent as `a%2Fb` stays one segment; the
// value the spec describes is the unescaped one. echo gives the path's last
// parameter whatever is left of the path, slashes included, and an empty
// value to a path ending in "/"; a path parameter of OpenAPI is one
// non-empty segment, so such a path is not the spec's (404).
func pathParams(c echo.Context) (map[string]string, error) {
	names, values := c.ParamNames(), c.ParamValues()
	params := make(map[string]string, len(names))
	for i, name := range names {
		raw := values[i]
		if raw == "" || strings.IndexByte(raw, '/') >= 0 {
			return nil, echo.ErrNotFound
		}
		value, err := url.PathUnescape(raw)
		if err != nil {
			return nil, twilioerr.InvalidParameter(name, "not a valid percent-encoded path segment")
		}
		params[name] = value
	}
	return params, nil
}

// maxPrereadForm bounds the form bodies passes reads in one piece, sized
// by their Content-Length: the Twilio API's body limit (64,000 bytes) is
// below it; a larger body is left to validateRequest, behind the limit.
const maxPrereadForm = 1 << 16

// passes reports whether the request certainly meets the spec, by the
// compiled checks: its parameters pass them, and it has no body, or a form
// body they accept (then read, and parsed into the request for the
// handler). Any doubt is left to validateRequest; err is only a failure to
// read the body (the body limit's 413, say).
func passes(c echo.Context, compiled *compiledParams, options *openapi3filter.Options) (ok bool, err error) {
	if compiled == nil {
		return false, nil
	}
	req := c.Request()
	hasBody := req.ContentLength != 0 && !options.ExcludeRequestBody
	if hasBody && (compiled.form == nil || req.ContentLength < 0 || req.ContentLength > maxPrereadForm) {
		return false, nil
	}
	// Parsed here strictly, though echo parses it again for the generated
	// wrapper: its lenient parse drops a malformed pair ("%ZZ", ";") that
	// must be refused.
	var query url.Values
	if req.URL.RawQuery != "" {
		if query, err = url.ParseQuery(req.URL.RawQuery); err != nil {
			return false, nil
		}
	}
	if !compiled.accepts(c.ParamValues(), query) {
		return false, nil
	}
	if !hasBody {
		return true, nil
	}
	// The type as clients send it is taken as it is; anything else
	// (parameters, case) is parsed.
	if contentType := req.Header.Get(echo.HeaderContentType); contentType != formContentType {
		mediaType, _, err := mime.ParseMediaType(contentType)
		if err != nil || mediaType != formContentType {
			return false, nil
		}
	}
	// Its length is known and small (checked above): read it in one piece,
	// and leave it for any later reader.
	body := &readBody{data: make([]byte, req.ContentLength)}
	n, err := io.ReadFull(req.Body, body.data)
	body.data = body.data[:n]
	body.Reset(body.data)
	req.Body = body
	if err != nil {
		return false, err
	}
	// The form's strings may share the body's bytes: nothing writes them
	// again.
	form, err := url.ParseQuery(unsafe.String(unsafe.SliceData(body.data), n))
	if err != nil || !acceptsValues(compiled.form, form) {
		return false, nil
	}
	// What req.ParseForm would make of it: the handler reads it from here.
	req.PostForm, req.Form = form, form
	if len(query) > 0 {
		req.Form = make(url.Values, len(form)+len(query))
		for k, v := range form {
			req.Form[k] = v
		}
		for k, v := range query {
			req.Form[k] = append(req.Form[k], v...)
		}
	}
	return true, nil
}

// readBody is a body read whole, for a later reader: one allocation, the
// bytes aside, where io.NopCloser(bytes.NewReader(data)) takes two.
type readBody struct {
	bytes.Reader
	data []byte
}

func (*readBody) Close() error { return nil }

// validateRequest returns why req breaks the spec, and where ("" for an
// error that is no broken contract: a 404 path, a 413 body, a client gone).
func validateRequest(c echo.Context, route *routes.Route, options *openapi3filter.Options) (reason string, err error) {
	req := c.Request()
	params, err := pathParams(c)
	if err != nil {
		if errors.Is(err, echo.ErrNotFound) {
			return "", err
		}
		return ReasonPath, err
	}
	// url.URL.Query, which kin-openapi and echo read parameters with, drops
	// the pairs it cannot parse (`PageSize=%ZZ`, `a=1;b=2`) without a word;
	// a malformed query is refused instead of half read.
	if req.URL.RawQuery != "" {
		query, err := url.ParseQuery(req.URL.RawQuery)
		if err != nil {
			return ReasonQuery, twilioerr.New(http.StatusBadRequest, "Invalid query string: "+err.Error())
		}
		if name := repeatedQueryParameter(route.OpenAPI(), query); name != "" {
			return ReasonQuery, twilioerr.InvalidParameter(name, "given more than once")
		}
	}
	// A request without a body (Content-Length 0: for a server request, no
	// body at all) is validated with http.NoBody, as net/http made it. A
	// middleware before this one may have wrapped it (echo's body limit
	// does), and kin-openapi then reads and re-buffers the empty body for
	// every security requirement.
	if req.ContentLength == 0 && req.Body != nil && req.Body != http.NoBody {
		body := req.Body
		req.Body = http.NoBody
		defer func() { req.Body = body }()
	}
	if err := oneJSONValue(req, options); err != nil {
		var twErr *twilioerr.Error
		if !errors.As(err, &twErr) {
			return "", err // the body limit's 413, say
		}
		return ReasonBody, err
	}
	input := &openapi3filter.RequestValidationInput{
		Request:    req,
		PathParams: params,
		Route:      route.OpenAPI(),
		Options:    options,
	}
	if err := openapi3filter.ValidateRequest(req.Context(), input); err != nil {
		reason, answer := requestError(err)
		if reason == "" {
			return "", answer
		}
		return reason, &refusal{answer: answer, cause: err}
	}
	if name, err := repeatedFormField(route.OpenAPI(), req); err != nil {
		return ReasonBody, twilioerr.New(http.StatusBadRequest, "Invalid request body: the form cannot be parsed")
	} else if name != "" {
		return ReasonBody, twilioerr.InvalidParameter(name, "given more than once")
	}
	return "", nil
}

// requestError words kin-openapi's verdict the way Twilio words a bad
// parameter: "Invalid <name>: <reason>", where the name is the parameter's,
// or the path of the offending body field (`accounts[0].sid`).
func requestError(err error) (kind string, _ error) {
	if errors.Is(err, echo.ErrStatusRequestEntityTooLarge) {
		// The body limit trips while a body of unknown length (chunked) is
		// read here: that is a 413, not a bad request.
		return "", err
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return "", err
	}
	var reqErr *openapi3filter.RequestError
	if !errors.As(err, &reqErr) {
		return ReasonBody, twilioerr.New(http.StatusBadRequest, "Invalid request: "+firstLine(err.Error()))
	}
	if errors.Is(reqErr.Err, echo.ErrStatusRequestEntityTooLarge) {
		return "", reqErr.Err
	}
	reason := reqErr.Reason
	var schemaErr *openapi3.SchemaError
	var parseErr *openapi3filter.ParseError
	switch {
	case errors.As(reqErr.Err, &schemaErr) && schemaErr.SchemaField == "format":
		// The reason would quote the format's whole regular expression.
		reason = fmt.Sprintf("%q is not a valid %s", fmt.Sprint(schemaErr.Value), schemaErr.Schema.Format)
	case schemaErr != nil:
		reason = schemaErr.Reason
	case errors.As(reqErr.Err, &parseErr) && len(parseErr.Path()) > 0:
		// A form field that does not parse as its type: named like a
		// parameter, not as "path X" of the request body.
		path := make([]string, len(parseErr.Path()))
		for i, p := range parseErr.Path() {
			path[i] = fmt.Sprint(p)
		}
		inner := strings.TrimPrefix(parseErr.Error(), "path "+strings.Join(path, ".")+": ")
		return ReasonBody, twilioerr.InvalidParameter(FieldPath(path), firstLine(inner))
	case reqErr.Err != nil:
		reason = reqErr.Err.Error()
	}
	reason = firstLine(reason)
	switch {
	case reqErr.Parameter != nil:
		return parameterIn(reqErr.Parameter.In), twilioerr.InvalidParameter(reqErr.Parameter.Name, reason)
	case schemaErr != nil && len(schemaErr.JSONPointer()) > 0:
		return ReasonBody, twilioerr.InvalidParameter(FieldPath(schemaErr.JSONPointer()), reason)
	default:
		return ReasonBody, twilioerr.New(http.StatusBadRequest, "Invalid request body: "+reason)
	}
}

// parameterIn is the reason kind of a parameter's location; a cookie counts
// as a header.
func parameterIn(in string) string {
	switch in {
	case openapi3.ParameterInPath:
		return ReasonPath
	case openapi3.ParameterInQuery:
		return ReasonQuery
	}
	return ReasonHeader
}

// firstLine keeps the first line of kin-openapi's multi-line messages, the
// useful one.
func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// oneJSONValue refuses a JSON body with anything but white space after its
// value. kin-openapi decodes the first value, validates it and hands the
// handler that value again: the rest would be dropped without a word.
func oneJSONValue(req *http.Request, options *openapi3filter.Options) error {
	if options.ExcludeRequestBody || req.Body == nil || req.Body == http.NoBody {
		return nil
	}
	mediaType, _, err := mime.ParseMediaType(req.Header.Get("Content-Type"))
	if err != nil || mediaType != "application/json" {
		return nil
	}
	data, err := io.ReadAll(req.Body)
	req.Body = io.NopCloser(bytes.NewReader(data))
	if err != nil {
		return err // the body limit's 413, say
	}
	if _, err := decodeOneJSON(data); errors.Is(err, errAfterJSON) {
		return twilioerr.New(http.StatusBadRequest, "Invalid request body: "+err.Error())
	}
	return nil // a syntax error kin-openapi words itself
}

// errAfterJSON is decodeOneJSON's error for a value followed by more than
// white space.
var errAfterJSON = errors.New("data after the JSON value")

// decodeOneJSON decodes data, which must hold one JSON value and nothing
// after it but white space.
func decodeOneJSON(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	var value any
	if err := dec.Decode(&value); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errAfterJSON
	}
	return value, nil
}
