package server_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/twilio-stubs/userconversations/gen/adminserver"
	"github.com/twilio-stubs/userconversations/server"
	"github.com/twilio-stubs/userconversations/server/internal/routes"
	"github.com/twilio-stubs/userconversations/server/internal/testkit"
)

// The Twilio API's CORS headers are exactly Twilio's five: nothing the
// admin API's CORS adds leaks into them.
func TestTwilioCORSHeadersAreTwilios(t *testing.T) {
	s := testkit.NewStubWith(t, testkit.World(), func(c *server.Config) { c.AdminToken = "cors-admin-token" })
	want := map[string]string{
		"Access-Control-Allow-Origin":      "*",
		"Access-Control-Allow-Methods":     "GET, POST, DELETE, OPTIONS",
		"Access-Control-Allow-Headers":     "Accept, Authorization, Content-Type, If-Match, If-Modified-Since, If-None-Match, If-Unmodified-Since, Idempotency-Key",
		"Access-Control-Allow-Credentials": "true",
		"Access-Control-Expose-Headers":    "ETag",
	}
	for _, r := range []testkit.Response{
		s.Request(http.MethodGet, testkit.UCPath("alice", "general"), nil),
		s.Raw(http.MethodOptions, testkit.UCPath("alice", "general"), "", nil, "-"),
	} {
		got := map[string]string{}
		for name := range r.Header {
			if strings.HasPrefix(name, "Access-Control-") {
				got[name] = r.Header.Get(name)
			}
		}
		if len(got) != len(want) {
			t.Errorf("CORS headers %v, want %v", got, want)
		}
		for name, value := range want {
			if got[name] != value {
				t.Errorf("%s: %q, want %q", name, got[name], value)
			}
		}
	}
}

// A page on any origin can call every admin operation: each one's
// preflight allows its method and the headers it needs, and says how long
// to cache the answer.
func TestAdminCORSAllowsEveryOperation(t *testing.T) {
	const token = "cors-admin-token"
	s := testkit.NewStubWith(t, testkit.World(), func(c *server.Config) { c.AdminToken = token })
	spec, err := adminserver.GetSpec()
	if err != nil {
		t.Fatal(err)
	}
	operations := 0
	for path, item := range spec.Paths.Map() {
		target := strings.ReplaceAll(routes.EchoPath(path), ":id", "f1")
		for method := range item.Operations() {
			operations++
			r := s.Send(testkit.Call{Method: http.MethodOptions, Path: target, NoAuth: true, Header: http.Header{
				"Origin":                         {"http://tests.example"},
				"Access-Control-Request-Method":  {method},
				"Access-Control-Request-Headers": {"authorization,content-type"},
			}})
			allowHeaders := strings.ToLower(r.Header.Get("Access-Control-Allow-Headers"))
			switch {
			case r.Status != http.StatusNoContent:
				t.Errorf("preflight of %s %s: %d", method, target, r.Status)
			case r.Header.Get("Access-Control-Allow-Origin") != "*":
				t.Errorf("%s %s: Allow-Origin %q", method, target, r.Header.Get("Access-Control-Allow-Origin"))
			case !strings.Contains(r.Header.Get("Access-Control-Allow-Methods"), method):
				t.Errorf("%s %s: Allow-Methods %q", method, target, r.Header.Get("Access-Control-Allow-Methods"))
			case !strings.Contains(allowHeaders, "authorization") || !strings.Contains(allowHeaders, "content-type"):
				t.Errorf("%s %s: Allow-Headers %q", method, target, allowHeaders)
			case r.Header.Get("Access-Control-Max-Age") == "":
				t.Errorf("%s %s: no Access-Control-Max-Age", method, target)
			}
		}
	}
	if operations < 10 {
		t.Fatalf("only %d admin operations found", operations)
	}
	// The call itself, after its preflight: PUT with a JSON body.
	r := s.Send(testkit.Call{Method: http.MethodPut, Path: "/_stub/faults", ContentType: "application/json",
		Body:   strings.NewReader(`{"drop": true, "times": 1}`),
		Header: http.Header{"Origin": {"http://tests.example"}, "Authorization": {"Bearer " + token}}})
	if r.Status != http.StatusCreated || r.Header.Get("Access-Control-Allow-Origin") != "*" {
		t.Fatalf("PUT /_stub/faults from a page: %d %v", r.Status, r.Header)
	}
}
