package validation

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/twilio-stubs/userconversations/gen/conversationsserver"
	"github.com/twilio-stubs/userconversations/server/internal/routes"
)

func twilioRoutes(t testing.TB) []*routes.Route {
	t.Helper()
	return twilioRoutesLoading(t, conversationsserver.GetSpec)
}

// twilioRoutesLoading builds the Twilio API's routes as the server does,
// from the embedded JSON, with load as kin-openapi's loader.
func twilioRoutesLoading(t testing.TB, load func() (*openapi3.T, error)) []*routes.Route {
	t.Helper()
	table, err := routes.FromEmbedded(conversationsserver.PathToRawSpec, load)
	if err != nil {
		t.Fatal(err)
	}
	return table.Routes()
}

// Every operation of the Twilio API has compiled checks: a constraint
// added to the spec that they do not know fails here, rather than quietly
// sending every request through the slower full check. They compile from
// the spec's JSON, without kin-openapi's document.
func TestEveryOperationCompiles(t *testing.T) {
	routes := twilioRoutesLoading(t, func() (*openapi3.T, error) {
		t.Error("the compiled checks loaded kin-openapi's document")
		return conversationsserver.GetSpec()
	})
	for _, route := range routes {
		if _, err := compile(route); err != nil {
			t.Errorf("%s: %v", route.OperationID, err)
		}
	}
}

// The compiled checks refuse to compile what they do not know.
func TestCompileRefusesWhatItDoesNotKnow(t *testing.T) {
	tests := map[string]string{
		"multipleOf":          `{"type": "integer", "multipleOf": 2}`,
		"exclusiveMinimum":    `{"type": "integer", "minimum": 1, "exclusiveMinimum": true}`,
		"a string format":     `{"type": "string", "format": "email"}`,
		"a number":            `{"type": "number"}`,
		"an array":            `{"type": "array", "items": {"type": "string"}}`,
		"a date-time pattern": `{"type": "string", "format": "date-time", "pattern": "^2"}`,
		"oneOf":               `{"oneOf": [{"type": "string"}, {"type": "integer"}]}`,
		"no type":             `{"minLength": 1}`,
		"an enum of integers": `{"type": "integer", "enum": [1, 2]}`,
	}
	for name, schema := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := compileSchema(&routes.RawSpec{}, json.RawMessage(schema)); err == nil {
				t.Fatalf("%s compiled", schema)
			}
		})
	}
}

// Values each parameter kind is tried with: valid and not, plain and odd.
var trialValues = []string{
	"", "a", "alice", "USaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "ISaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	"ISAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "IS0123456789abcdef0123456789abcdef", "ISaaaa", "IS0123456789abcdef0123456789abcdefg",
	"isaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "dan the man", "eve/ops", "eve%2Fops", "%ZZ", "é", "日本",
	"0", "1", "50", "999", "1000", "1001", "-1", "-0", "007", "1e2", "1.0", "+5", " 5", "5 ", "0x10",
	"2147483647", "2147483648", "9223372036854775807", "9223372036854775808", "99999999999999999999",
	"PT_abc", "PTNzY4NQ", strings.Repeat("x", 300),
	"default", "muted", "Muted", "null",
	"2024-01-02T03:04:05Z", "2024-01-02T03:04:05.123+02:00", "2024-02-30T00:00:00Z", "2024-01-02T24:00:00Z",
	"2024-01-02 03:04:05Z", "2024-01-02T03:04:05", "2024-01-02T03:04:60Z", "0000-01-01T00:00:00Z", "2024-01-02T03:04:05z",
}

// Whatever the compiled checks accept, kin-openapi accepts: they may only
// say yes sooner. And they do say yes to the plain valid requests.
func TestCompiledChecksAgreeWithKinOpenAPI(t *testing.T) {
	for _, route := range twilioRoutes(t) {
		compiled, err := compile(route)
		if err != nil {
			t.Fatal(err)
		}
		names := pathNames(route.Path)
		// Every path parameter in turn takes every trial value, the others
		// a plain valid one; the same for each query parameter, alone.
		plain := map[string]string{"UserSid": "alice", "ConversationSid": "general", "ChatServiceSid": "ISaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}
		values := func(vary string, v string) []string {
			out := make([]string, len(names))
			for i, n := range names {
				out[i] = url.PathEscape(plain[n])
				if n == vary {
					out[i] = v
				}
			}
			return out
		}
		check := func(pathValues []string, query url.Values) {
			t.Helper()
			fast := compiled.accepts(pathValues, query)
			full := kinAccepts(t, route, names, pathValues, query)
			if fast && !full {
				t.Errorf("%s %v %v: the compiled checks accept what kin-openapi refuses", route.OperationID, pathValues, query)
			}
		}
		if !compiled.accepts(values("", ""), nil) {
			t.Errorf("%s: a plain request is not accepted", route.OperationID)
		}
		for _, name := range names {
			for _, v := range trialValues {
				check(values(name, v), nil)
			}
		}
		for _, pc := range compiled.query {
			for _, v := range trialValues {
				check(values("", ""), url.Values{pc.name: {v}})
			}
			check(values("", ""), url.Values{pc.name: {"1", "2"}})
		}
		for _, pc := range compiled.form {
			for _, v := range trialValues {
				form := url.Values{pc.name: {v}}
				if acceptsValues(compiled.form, form) && !kinAcceptsForm(t, route, names, values("", ""), form) {
					t.Errorf("%s form %v: the compiled checks accept what kin-openapi refuses", route.OperationID, form)
				}
			}
		}
		if compiled.form != nil && !acceptsValues(compiled.form, url.Values{"NotificationLevel": {"muted"}, "LastReadMessageIndex": {"42"}, "LastReadTimestamp": {"2024-01-02T03:04:05Z"}}) {
			t.Errorf("%s: a plain form is not accepted", route.OperationID)
		}
		if len(compiled.query) > 0 && !compiled.accepts(values("", ""), url.Values{"PageSize": {"50"}, "Page": {"2"}, "PageToken": {"PTabc"}}) {
			t.Errorf("%s: a plain page query is not accepted", route.OperationID)
		}
	}
}

func pathNames(path string) []string {
	var names []string
	for _, part := range strings.Split(path, "/") {
		if strings.HasPrefix(part, "{") {
			names = append(names, strings.Trim(part, "{}"))
		}
	}
	return names
}

// kinAccepts is the full check's verdict on the parameters alone.
func kinAccepts(t *testing.T, route *routes.Route, names, pathValues []string, query url.Values) bool {
	t.Helper()
	params := map[string]string{}
	for i, n := range names {
		v, err := url.PathUnescape(pathValues[i])
		if err != nil || pathValues[i] == "" || strings.Contains(pathValues[i], "/") {
			return false // pathParams refuses it before kin-openapi
		}
		params[n] = v
	}
	req, err := http.NewRequest(route.Method, "http://stub"+route.Path+"?"+query.Encode(), nil)
	if err != nil {
		t.Fatal(err)
	}
	err = openapi3filter.ValidateRequest(context.Background(), &openapi3filter.RequestValidationInput{
		Request: req, PathParams: params, Route: route.OpenAPI(),
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, ExcludeRequestBody: true},
	})
	return err == nil
}

// kinAcceptsForm is the full check's verdict on a form body.
func kinAcceptsForm(t *testing.T, route *routes.Route, names, pathValues []string, form url.Values) bool {
	t.Helper()
	params := map[string]string{}
	for i, n := range names {
		params[n], _ = url.PathUnescape(pathValues[i])
	}
	req, err := http.NewRequest(route.Method, "http://stub"+route.Path, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", formContentType)
	err = openapi3filter.ValidateRequest(context.Background(), &openapi3filter.RequestValidationInput{
		Request: req, PathParams: params, Route: route.OpenAPI(),
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc},
	})
	return err == nil
}

// FuzzCompiledChecks tries any value in any parameter of any operation.
func FuzzCompiledChecks(f *testing.F) {
	for _, v := range trialValues {
		f.Add(v, uint8(0))
	}
	rs := twilioRoutes(f)
	f.Fuzz(func(t *testing.T, v string, which uint8) {
		route := rs[int(which)%len(rs)]
		compiled, err := compile(route)
		if err != nil {
			t.Fatal(err)
		}
		names := pathNames(route.Path)
		pathValues := make([]string, len(names))
		for i, n := range names {
			pathValues[i] = map[string]string{"UserSid": "alice", "ConversationSid": "general", "ChatServiceSid": "ISaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}[n]
		}
		var query url.Values
		slot := int(which/8) % (len(names) + len(compiled.query) + len(compiled.form) + 1)
		switch {
		case slot < len(names):
			pathValues[slot] = v
		case slot < len(names)+len(compiled.query):
			query = url.Values{compiled.query[slot-len(names)].name: {v}}
		case slot < len(names)+len(compiled.query)+len(compiled.form):
			form := url.Values{compiled.form[slot-len(names)-len(compiled.query)].name: {v}}
			if acceptsValues(compiled.form, form) && !kinAcceptsForm(t, route, names, pathValues, form) {
				t.Fatalf("%s form %v: the compiled checks accept what kin-openapi refuses", route.OperationID, form)
			}
			return
		}
		if compiled.accepts(pathValues, query) && !kinAccepts(t, route, names, pathValues, query) {
			t.Fatalf("%s %v %v: the compiled checks accept what kin-openapi refuses", route.OperationID, pathValues, query)
		}
	})
}
