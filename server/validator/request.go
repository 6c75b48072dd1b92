// Package validator checks HTTP traffic against an OpenAPI spec with
// kin-openapi. RequestValidator mirrors oapi-codegen's echo-middleware
// (OapiRequestValidatorWithOptions): the same options, the same mapping of
// kin-openapi errors to echo.HTTPError, so code written for that package
// reads the same here. It adds a 405 for a known path with a wrong method,
// unescapes path parameters before validating them, and leaves the matched
// route in the echo context for ResponseValidator.
package validator

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// ErrorHandler is called when a request fails validation.
type ErrorHandler func(c echo.Context, err *echo.HTTPError) error

// MultiErrorHandler turns kin-openapi's MultiError (Options.Options.MultiError)
// into one echo.HTTPError.
type MultiErrorHandler func(openapi3.MultiError) *echo.HTTPError

// Options customise request validation; Options is passed to openapi3filter.
type Options struct {
	ErrorHandler      ErrorHandler
	Options           openapi3filter.Options
	ParamDecoder      openapi3filter.ContentParameterDecoder
	Skipper           middleware.Skipper
	MultiErrorHandler MultiErrorHandler
}

// routeKey is where RequestValidator leaves the matched route for later
// middleware (ResponseValidator) in the echo context.
const routeKey = "validator/route"

type matchedRoute struct {
	route      *routers.Route
	pathParams map[string]string
}

// NewRouter builds the router RequestValidator matches requests with. The
// spec's servers are dropped: the stub answers on whatever host it is given,
// and host matching would otherwise fail every request. Routes are found as
// gorillamux finds them, without its per-request regexps where the spec's
// templates allow (see templateRouter).
func NewRouter(doc *openapi3.T) (routers.Router, error) {
	hostless := *doc
	hostless.Servers = nil
	mux, err := gorillamux.NewRouter(&hostless)
	if err != nil {
		return nil, err
	}
	return newTemplateRouter(&hostless, mux), nil
}

// RequestValidator validates every request (path, query, headers, body)
// against doc. It fails at construction, not per request, when the spec
// cannot be routed.
func RequestValidator(doc *openapi3.T, options *Options) (echo.MiddlewareFunc, error) {
	router, err := NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("validator: routing the spec: %w", err)
	}
	if options == nil {
		options = &Options{}
	}
	skipper := options.Skipper
	if skipper == nil {
		skipper = middleware.DefaultSkipper
	}
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if skipper(c) {
				return next(c)
			}
			if err := ValidateRequestFromContext(c, router, options); err != nil {
				if options.ErrorHandler != nil {
					return options.ErrorHandler(c, err)
				}
				return err
			}
			return next(c)
		}
	}, nil
}

// ValidateRequestFromContext finds the request's route and validates the
// request against it.
func ValidateRequestFromContext(c echo.Context, router routers.Router, options *Options) *echo.HTTPError {
	req := c.Request()
	route, pathParams, err := router.FindRoute(req)
	if err != nil {
		var routeErr *routers.RouteError
		switch {
		case errors.Is(err, routers.ErrMethodNotAllowed):
			return &echo.HTTPError{Code: http.StatusMethodNotAllowed, Message: "Method not allowed", Internal: err}
		case errors.As(err, &routeErr):
			return &echo.HTTPError{Code: http.StatusNotFound, Message: routeErr.Reason, Internal: err}
		default:
			return &echo.HTTPError{Code: http.StatusInternalServerError, Message: "error validating route: " + err.Error(), Internal: err}
		}
	}
	// url.URL.Query, which kin-openapi and echo read parameters with, drops
	// the pairs it cannot parse (`PageSize=%ZZ`, `a=1;b=2`) without a word;
	// a malformed query is refused instead of half read.
	query, err := url.ParseQuery(req.URL.RawQuery)
	if err != nil {
		return &echo.HTTPError{Code: http.StatusBadRequest, Message: "Invalid query string: " + err.Error(), Internal: err}
	}
	if reqErr := repeatedQueryParameter(route, query); reqErr != nil {
		return badRequest(reqErr)
	}
	// The router matches the escaped path, so an identity sent as `a%2Fb`
	// stays one segment; the value to validate is the unescaped one.
	for name, value := range pathParams {
		unescaped, err := url.PathUnescape(value)
		if err != nil {
			return &echo.HTTPError{Code: http.StatusBadRequest, Message: fmt.Sprintf("parameter %q in path has an error: %v", name, err), Internal: err}
		}
		pathParams[name] = unescaped
	}
	c.Set(routeKey, matchedRoute{route: route, pathParams: pathParams})

	// A request without a body (Content-Length 0: for a server request, no
	// body at all) is validated with http.NoBody, as net/http made it. A
	// middleware before this one may have wrapped it (echo's body limit
	// does), and kin-openapi then reads and re-buffers the empty body for
	// every security requirement: an eighth of what a fetch allocated.
	if req.ContentLength == 0 && req.Body != nil && req.Body != http.NoBody {
		body := req.Body
		req.Body = http.NoBody
		defer func() { req.Body = body }()
	}
	input := &openapi3filter.RequestValidationInput{
		Request:      req,
		PathParams:   pathParams,
		Route:        route,
		Options:      &options.Options,
		ParamDecoder: options.ParamDecoder,
	}
	err = openapi3filter.ValidateRequest(req.Context(), input)
	if err == nil {
		if reqErr := repeatedFormField(route, req); reqErr != nil {
			return badRequest(reqErr)
		}
		return nil
	}
	var multi openapi3.MultiError
	if errors.As(err, &multi) {
		if options.MultiErrorHandler != nil {
			return options.MultiErrorHandler(multi)
		}
		return &echo.HTTPError{Code: http.StatusBadRequest, Message: multi.Error(), Internal: multi}
	}
	var reqErr *openapi3filter.RequestError
	var secErr *openapi3filter.SecurityRequirementsError
	switch {
	case errors.As(err, &reqErr):
		return badRequest(reqErr)
	case errors.As(err, &secErr):
		for _, e := range secErr.Errors {
			var httpErr *echo.HTTPError
			if errors.As(e, &httpErr) {
				return httpErr
			}
		}
		return &echo.HTTPError{Code: http.StatusForbidden, Message: secErr.Error(), Internal: err}
	default:
		return &echo.HTTPError{Code: http.StatusInternalServerError, Message: "error validating request: " + err.Error(), Internal: err}
	}
}

// badRequest is the 400 for a RequestError. kin-openapi's messages are
// multi-line; the first line is the useful one.
func badRequest(reqErr *openapi3filter.RequestError) *echo.HTTPError {
	return &echo.HTTPError{Code: http.StatusBadRequest, Message: strings.SplitN(reqErr.Error(), "\n", 2)[0], Internal: reqErr}
}
