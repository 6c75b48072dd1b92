package validator

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
)

// ResponseOptions customise response validation.
type ResponseOptions struct {
	// Options is passed to openapi3filter.ValidateResponse.
	Options openapi3filter.Options
	// OnInvalid is told of every response that breaks the contract, before
	// it is replaced with a 500.
	OnInvalid func(c echo.Context, status int, err error)
}

// ErrResponseOffContract wraps why a response was withheld.
var ErrResponseOffContract = errors.New("response does not match the spec")

// ResponseValidator holds each response of a route that RequestValidator
// matched, validates status, headers and body against the spec, and sends
// it only if it conforms; otherwise the client gets the error returned by
// the handler chain as ErrResponseOffContract, which the HTTPErrorHandler
// renders (a 500). Errors returned by later handlers are rendered through
// c.Error inside the hold, so error bodies are validated too.
//
// It must sit after RequestValidator. Responses of unmatched requests pass
// through unchecked.
func ResponseValidator(options *ResponseOptions) echo.MiddlewareFunc {
	if options == nil {
		options = &ResponseOptions{}
	}
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			matched, ok := c.Get(routeKey).(matchedRoute)
			if !ok {
				return next(c)
			}
			resp := c.Response()
			original := resp.Writer
			held := &heldResponse{header: resp.Header()}
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
					PathParams: matched.pathParams,
					Route:      matched.route,
				},
				Status:  resp.Status,
				Header:  resp.Header(),
				Body:    io.NopCloser(bytes.NewReader(held.body.Bytes())),
				Options: &options.Options,
			}
			if err := openapi3filter.ValidateResponse(c.Request().Context(), input); err != nil {
				if options.OnInvalid != nil {
					options.OnInvalid(c, resp.Status, err)
				}
				// Nothing reached the client yet: start the response over.
				resp.Committed = false
				resp.Size = 0
				return fmt.Errorf("%w: %s %s answered %d: %v",
					ErrResponseOffContract, c.Request().Method, c.Request().URL.Path, resp.Status, err)
			}
			original.WriteHeader(resp.Status)
			_, err := original.Write(held.body.Bytes())
			return err
		}
	}
}

// heldResponse stands in for the client connection while a response is
// validated: it keeps the body and ignores WriteHeader (echo.Response
// records the status).
type heldResponse struct {
	header http.Header
	body   bytes.Buffer
}

func (h *heldResponse) Header() http.Header         { return h.header }
func (h *heldResponse) Write(p []byte) (int, error) { return h.body.Write(p) }
func (h *heldResponse) WriteHeader(int)             {}

// Hijack refuses: a held response cannot hand over its connection.
func (h *heldResponse) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return nil, nil, errors.New("validator: cannot hijack a held response")
}
