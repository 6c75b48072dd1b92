package validator

import (
	"errors"
	"net/url"

	"github.com/getkin/kin-openapi/openapi3"
)

// SchemaOptions are the schema validation options every check against the
// project's specs uses: kin-openapi knows date-time out of the box, and these
// add the formats it leaves unchecked.
func SchemaOptions() []openapi3.SchemaValidationOption {
	return []openapi3.SchemaValidationOption{
		openapi3.WithStringFormatValidator("uri", openapi3.NewCallbackValidator(validateURI)),
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
