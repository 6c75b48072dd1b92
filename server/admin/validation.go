package admin

import (
	"errors"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/labstack/echo/v4"
)

// ValidationError is the admin request validator's ErrorHandler: a body
// that breaks its schema (a fixture document or a fault) is reported with
// the full path of the offending field, "accounts[0].services[1].sid",
// as the fixtures package reports a --fixtures file. Other errors pass
// unchanged.
func ValidationError(_ echo.Context, err *echo.HTTPError) error {
	var reqErr *openapi3filter.RequestError
	var schemaErr *openapi3.SchemaError
	if !errors.As(err, &reqErr) || reqErr.RequestBody == nil || !errors.As(reqErr.Err, &schemaErr) {
		return err
	}
	at := fieldPath(schemaErr.JSONPointer())
	if at == "" {
		at = "request body"
	}
	return errInvalid(at, "%s", schemaErr.Reason)
}

// fieldPath writes JSON Pointer tokens as accounts[0].sid.
func fieldPath(tokens []string) string {
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
