package validation

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/labstack/echo/v4"

	"github.com/twilio-stubs/userconversations/api"
	"github.com/twilio-stubs/userconversations/server/internal/routes"
)

// ErrResponseOffContract wraps why a response was withheld.
var ErrResponseOffContract = errors.New("response does not match the spec")

// responseOptions are kin-openapi's options for every response.
var responseOptions = &openapi3filter.Options{
	IncludeResponseStatus:   true,
	SchemaValidationOptions: api.SchemaOptions(),
}

// Response is the step that holds each response of an operation,
// validates its status, headers and body against the spec, and sends it
// only if it conforms. Otherwise the client gets the error the chain
// returns, ErrResponseOffContract, which the error handler renders as a
// 500; onInvalid is told first. Errors returned further down the chain are
// rendered (c.Error) inside the hold, so error bodies are validated too.
//
// It goes after request validation, and after anything that answers off
// the spec on purpose (fault injection).
func Response(onInvalid func(c echo.Context, status int, err error)) routes.Step {
	return func(route *routes.Route) echo.MiddlewareFunc {
		if route == nil || route.NotAllowed() {
			return nil
		}
		return func(next echo.HandlerFunc) echo.HandlerFunc {
			return func(c echo.Context) error {
				return validateResponse(c, route, next, onInvalid)
			}
		}
	}
}

func validateResponse(c echo.Context, route *routes.Route, next echo.HandlerFunc, onInvalid func(echo.Context, int, error)) error {
	params, err := pathParams(c)
	if err != nil {
		return err
	}
	resp := c.Response()
	original := resp.Writer
	held := &heldResponse{header: resp.Header(), under: original}
	resp.Writer = held
	defer func() {
		resp.Writer = original
		if p := recover(); p != nil {
			// Whatever was held never reached the client: let the
			// recovery middleware answer in its place.
			resp.Committed, resp.Size = false, 0
			panic(p)
		}
	}()
	if err := next(c); err != nil {
		c.Error(err)
	}
	input := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request:    c.Request(),
			PathParams: params,
			Route:      route.OpenAPI(),
		},
		Status:  resp.Status,
		Header:  resp.Header(),
		Body:    io.NopCloser(bytes.NewReader(held.body.Bytes())),
		Options: responseOptions,
	}
	if err := openapi3filter.ValidateResponse(c.Request().Context(), input); err != nil {
		if onInvalid != nil {
			onInvalid(c, resp.Status, err)
		}
		// Nothing reached the client yet: start the response over.
		resp.Committed = false
		resp.Size = 0
		return fmt.Errorf("%w: %s %s answered %d: %v",
			ErrResponseOffContract, c.Request().Method, c.Request().URL.Path, resp.Status, err)
	}
	original.WriteHeader(resp.Status)
	_, err = original.Write(held.body.Bytes())
	return err
}

// heldResponse stands in for the client connection while a response is
// validated: it keeps the body and ignores WriteHeader (echo.Response
// records the status).
type heldResponse struct {
	header http.Header
	body   bytes.Buffer
	under  http.ResponseWriter // what it holds the answer back from
}

// Unwrap is the writer beneath: what the middleware keep of the request
// is found through it, and a deadline set while the answer is held
// reaches the connection.
func (h *heldResponse) Unwrap() http.ResponseWriter { return h.under }

func (h *heldResponse) Header() http.Header         { return h.header }
func (h *heldResponse) Write(p []byte) (int, error) { return h.body.Write(p) }
func (h *heldResponse) WriteHeader(int)             {}

// Hijack refuses: a held response cannot hand over its connection.
func (h *heldResponse) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return nil, nil, errors.New("validation: cannot hijack a held response")
}
