// Package api_test checks the hand-written OpenAPI spec and what is generated
// from it: the spec is valid, the documentation's examples satisfy it, and the
// generated client speaks the same wire format as Twilio's own libraries.
package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/twilio-stubs/userconversations/api"
)

func loadSpecFile(t *testing.T) *openapi3.T {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromFile("openapi.yaml")
	if err != nil {
		t.Fatalf("load api/openapi.yaml: %v", err)
	}
	return doc
}

func TestSpecIsValidWithExamples(t *testing.T) {
	doc := loadSpecFile(t)
	err := doc.Validate(context.Background(),
		openapi3.EnableExamplesValidation(),
		openapi3.EnableSchemaFormatValidation(),
		openapi3.EnableSchemaPatternValidation(),
	)
	if err != nil {
		t.Fatalf("spec is invalid: %v", err)
	}
}

func TestEveryOperationDeclaresTwilioErrors(t *testing.T) {
	doc := loadSpecFile(t)
	wantErrors := []string{"400", "401", "404", "405", "429", "500"}
	var ops int
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			ops++
			for _, status := range wantErrors {
				resp := op.Responses.Value(status)
				if resp == nil {
					t.Errorf("%s %s: no %s response", method, path, status)
					continue
				}
				media := resp.Value.Content.Get("application/json")
				if media == nil || media.Schema.Ref != "#/components/schemas/Error" {
					t.Errorf("%s %s %s: body is not Twilio's Error schema", method, path, status)
				}
			}
		}
	}
	if ops != 8 {
		t.Fatalf("spec has %d operations, want 8 (four, in the default and in a named service)", ops)
	}
}

// The user conversation the examples below are answers about.
const (
	exampleUser         = "USaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	exampleConversation = "CHaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
)

// validateResponse checks body as the 200 answer of method on the spec's
// path template, for exampleUser and exampleConversation, and returns the
// JSON pointers of every schema violation.
func validateResponse(t *testing.T, doc *openapi3.T, method, template string, body []byte) []string {
	t.Helper()
	item := doc.Paths.Value(template)
	if item == nil || item.GetOperation(method) == nil {
		t.Fatalf("the spec has no %s %s", method, template)
	}
	route := &routers.Route{Spec: doc, Path: template, PathItem: item, Method: method, Operation: item.GetOperation(method)}
	params := map[string]string{"UserSid": exampleUser, "ConversationSid": exampleConversation}
	req, _ := http.NewRequest(method, "https://conversations.twilio.com"+template, nil)
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
		Status:                 http.StatusOK,
		// The seed examples show bodies only; these are the headers every
		// real answer carries.
		Header: http.Header{
			"Content-Type":            {"application/json"},
			"Twilio-Request-Id":       {"RQ0123456789abcdef0123456789abcdef"},
			"Twilio-Request-Duration": {"0.012"},
		},
		Body: io.NopCloser(bytes.NewReader(body)),
		Options: &openapi3filter.Options{
			MultiError:              true,
			IncludeResponseStatus:   true,
			SchemaValidationOptions: api.SchemaOptions(),
		},
	}
	err := openapi3filter.ValidateResponse(context.Background(), in)
	if err == nil {
		return nil
	}
	var pointers []string
	var multi openapi3.MultiError
	if !errors.As(err, &multi) {
		multi = openapi3.MultiError{err}
	}
	for _, e := range multi {
		var schemaErr *openapi3.SchemaError
		if errors.As(e, &schemaErr) {
			pointers = append(pointers, "/"+strings.Join(schemaErr.JSONPointer(), "/"))
		} else {
			pointers = append(pointers, e.Error())
		}
	}
	slices.Sort(pointers)
	return slices.Compact(pointers)
}

var sidsInURL = regexp.MustCompile(`/Users/(US[0-9a-fA-F]{32})/Conversations/(CH[0-9a-fA-F]{32})$`)

func TestSeedExamplesMatchResponseSchemas(t *testing.T) {
	doc := loadSpecFile(t)
	const one = "/v1/Users/{UserSid}/Conversations/{ConversationSid}"
	tests := []struct {
		file, method, path string
		// placeholderSIDs: the example echoes the code sample's placeholder
		// arguments where the page defines 34-character SIDs.
		placeholderSIDs bool
	}{
		{"reference-fetch.json", http.MethodGet, one, false},
		{"guide-list.json", http.MethodGet, "/v1/Users/{UserSid}/Conversations", false},
		{"guide-fetch.json", http.MethodGet, one, true},
		{"guide-update.json", http.MethodPost, one, true},
		{"guide-set-notification-level.json", http.MethodPost, one, true},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			body, err := os.ReadFile(filepath.Join("testdata", "seed-examples", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			violations := validateResponse(t, doc, tt.method, tt.path, body)
			if !tt.placeholderSIDs {
				if len(violations) != 0 {
					t.Fatalf("example violates the schema at %v", violations)
				}
				return
			}
			want := []string{"/conversation_sid", "/user_sid"}
			if !slices.Equal(violations, want) {
				t.Fatalf("verbatim example: violations at %v, want exactly %v (the placeholder SIDs)", violations, want)
			}
			var example map[string]any
			if err := json.Unmarshal(body, &example); err != nil {
				t.Fatal(err)
			}
			m := sidsInURL.FindStringSubmatch(example["url"].(string))
			if m == nil {
				t.Fatalf("example url %q carries no SIDs", example["url"])
			}
			example["user_sid"], example["conversation_sid"] = m[1], m[2]
			fixed, _ := json.Marshal(example)
			if v := validateResponse(t, doc, tt.method, tt.path, fixed); len(v) != 0 {
				t.Fatalf("with the SIDs of its own url, example still violates the schema at %v", v)
			}
		})
	}
}

// The schema must really hold responses to the documented shape, or the
// checks above prove nothing.
func TestResponseSchemaRejectsOffContractBodies(t *testing.T) {
	doc := loadSpecFile(t)
	const path = "/v1/Users/{UserSid}/Conversations/{ConversationSid}"
	base, err := os.ReadFile(filepath.Join("testdata", "seed-examples", "reference-fetch.json"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		mutate  func(map[string]any)
		pointer string
	}{
		{"missing nullable property", func(m map[string]any) { delete(m, "unique_name") }, "/unique_name"},
		{"unknown conversation state", func(m map[string]any) { m["conversation_state"] = "open" }, "/conversation_state"},
		{"null notification level", func(m map[string]any) { m["notification_level"] = nil }, "/notification_level"},
		{"unread count over 1000", func(m map[string]any) { m["unread_messages_count"] = 1001 }, "/unread_messages_count"},
		{"short account SID", func(m map[string]any) { m["account_sid"] = "AC123" }, "/account_sid"},
		{"participant SID with wrong prefix", func(m map[string]any) { m["participant_sid"] = "CH" + strings.Repeat("a", 32) }, "/participant_sid"},
		{"date not RFC 3339", func(m map[string]any) { m["date_created"] = "30/07/2015" }, "/date_created"},
		{"relative url", func(m map[string]any) { m["url"] = "/v1/Users/US/Conversations/CH" }, "/url"},
		{"relative participant link", func(m map[string]any) {
			m["links"].(map[string]any)["participant"] = "/v1/Conversations/CH/Participants/MB"
		}, "/links/participant"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var m map[string]any
			if err := json.Unmarshal(base, &m); err != nil {
				t.Fatal(err)
			}
			tt.mutate(m)
			body, _ := json.Marshal(m)
			violations := validateResponse(t, doc, http.MethodGet, path, body)
			if !slices.Contains(violations, tt.pointer) {
				t.Fatalf("violations %v, want one at %s", violations, tt.pointer)
			}
		})
	}
}

// A named service's operations answer with examples of their own, whose
// URLs are the service's (/v1/Services/IS...), as Twilio's do; the default
// service's never name a service.
func TestExamplesMatchTheirScope(t *testing.T) {
	doc := loadSpecFile(t)
	urlRE := regexp.MustCompile(`https://conversations\.twilio\.com(/v1/[^"]*)`)
	for p, item := range doc.Paths.Map() {
		service := strings.HasPrefix(p, "/v1/Services/")
		for method, op := range item.Operations() {
			for status, resp := range op.Responses.Map() {
				media := resp.Value.Content.Get("application/json")
				if media == nil || media.Example == nil || !strings.HasPrefix(status, "2") {
					continue
				}
				raw, _ := json.Marshal(media.Example)
				urls := urlRE.FindAllStringSubmatch(string(raw), -1)
				if len(urls) == 0 {
					t.Errorf("%s %s %s: the example has no URL", method, p, status)
				}
				for _, u := range urls {
					if strings.HasPrefix(u[1], "/v1/Services/") != service {
						t.Errorf("%s %s %s: example URL %s is of the other scope", method, p, status, u[1])
					}
				}
			}
		}
	}
}
