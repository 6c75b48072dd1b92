package api

import (
	"errors"
	"net/url"

	"github.com/getkin/kin-openapi/openapi3"
)

// SchemaOptions are the schema validation options every check against the
// project's specs uses: kin-openapi knows date-time out of the box, and these
// add the formats it leaves unchecked.
//
// The formats are handed over as one map, built here once per call:
// kin-openapi applies the options again on every value it validates, and
// WithStringFormatValidator would allocate a fresh map each time (a few
// percent of a fetch's CPU). Add formats to this map rather than with
// WithStringFormatValidator beside it, which would write into the shared
// map while requests are validated.
func SchemaOptions() []openapi3.SchemaValidationOption {
	return []openapi3.SchemaValidationOption{
		openapi3.WithStringFormatValidators(map[string]openapi3.StringFormatValidator{
			"uri": openapi3.NewCallbackValidator(validateURI),
		}),
	}
}

var errNotAbsoluteURI = errors.New("not an absolute URI")

// validateURI accepts absolute URIs only: Twilio's helper libraries follow
// the URLs in a response as they are, so a relative one breaks them.
func validateURI(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return err
	}
	if !u.IsAbs() || u.Host == "" {
		return errNotAbsoluteURI
	}
	return nil
}
