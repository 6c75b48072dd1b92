package api_test

import (
	"context"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

const fixturesSpec = "fixtures.yaml"

func TestFixturesSpecIsValid(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromFile(fixturesSpec)
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background(),
		openapi3.EnableExamplesValidation(),
		openapi3.EnableSchemaFormatValidation(),
		openapi3.EnableSchemaPatternValidation(),
	); err != nil {
		t.Fatalf("%s is invalid: %v", fixturesSpec, err)
	}
}
