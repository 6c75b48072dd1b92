package api_test

import (
	"context"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

func loadAdminSpecFile(t *testing.T) *openapi3.T {
	t.Helper()
	loader := openapi3.NewLoader()
	loader.IsExternalRefsAllowed = true // fixtures.yaml and openapi.yaml, beside it
	doc, err := loader.LoadFromFile("admin.yaml")
	if err != nil {
		t.Fatalf("load api/admin.yaml: %v", err)
	}
	return doc
}

func TestAdminSpecIsValidWithExamples(t *testing.T) {
	doc := loadAdminSpecFile(t)
	err := doc.Validate(context.Background(),
		openapi3.EnableExamplesValidation(),
		openapi3.EnableSchemaFormatValidation(),
		openapi3.EnableSchemaPatternValidation(),
	)
	if err != nil {
		t.Fatalf("api/admin.yaml is invalid: %v", err)
	}
}

// Every guarded operation answers 401 and 404 (admin API off) with
// Twilio's Error schema from api/openapi.yaml, and every path is under
// /_stub/.
func TestAdminOperationsDeclareTheirErrors(t *testing.T) {
	doc := loadAdminSpecFile(t)
	for path, item := range doc.Paths.Map() {
		if !strings.HasPrefix(path, "/_stub/") {
			t.Errorf("%s is not under /_stub/", path)
		}
		for method, op := range item.Operations() {
			if op.Security != nil && len(*op.Security) == 0 {
				continue // the health check
			}
			for _, status := range []string{"401", "404", "429", "500"} {
				resp := op.Responses.Value(status)
				if resp == nil {
					t.Errorf("%s %s: no %s", method, path, status)
					continue
				}
				media := resp.Value.Content.Get("application/json")
				if media == nil || media.Schema.Ref != "openapi.yaml#/components/schemas/Error" {
					t.Errorf("%s %s %s: not Twilio's Error schema", method, path, status)
				}
			}
		}
	}
}

// Fixture documents are the Fixtures schema of api/fixtures.yaml, by
// reference: one source for the fixture schema.
func TestFixtureDocumentsReferenceTheFixturesSchema(t *testing.T) {
	doc := loadAdminSpecFile(t)
	const ref = "fixtures.yaml#/components/schemas/Fixtures"
	body := doc.Components.RequestBodies["Fixtures"].Value
	if body.Extensions["x-fixture-document"] != true {
		t.Error("the Fixtures request body is not marked x-fixture-document: the stub would validate it twice")
	}
	for _, mediaType := range []string{"application/json", "application/yaml"} {
		if got := body.Content.Get(mediaType).Schema.Ref; got != ref {
			t.Errorf("request body %s: $ref %q, want %q", mediaType, got, ref)
		}
	}
	if got := doc.Components.Responses["State"].Value.Content.Get("application/json").Schema.Ref; got != ref {
		t.Errorf("State response: $ref %q, want %q", got, ref)
	}
	for name := range doc.Components.Schemas {
		if strings.Contains(strings.ToLower(name), "fixture") || name == "Account" {
			t.Errorf("api/admin.yaml defines its own %s schema", name)
		}
	}
}
