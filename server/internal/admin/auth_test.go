package admin_test

import (
	"encoding/base64"
	"net/http"
	"testing"
	"time"

	"github.com/twilio-stubs/userconversations/server/internal/admin"
	"github.com/twilio-stubs/userconversations/server/internal/twilioerr"
	"github.com/twilio-stubs/userconversations/server/stubtest"
)

// Every admin operation, as method and path.
var adminCalls = []struct{ method, path string }{
	{http.MethodPost, "/_stub/reset"},
	{http.MethodGet, "/_stub/state"},
	{http.MethodPut, "/_stub/state"},
	{http.MethodPost, "/_stub/state"},
	{http.MethodGet, "/_stub/requests"},
	{http.MethodDelete, "/_stub/requests"},
	{http.MethodGet, "/_stub/faults"},
	{http.MethodPut, "/_stub/faults"},
	{http.MethodDelete, "/_stub/faults"},
	{http.MethodDelete, "/_stub/faults/f1"},
}

func TestAdminAPIIsRefusedWithoutTheToken(t *testing.T) {
	tests := []struct {
		name string
		auth func(*http.Request)
	}{
		{"no credentials", nil},
		{"wrong token", bearer("not-the-token")},
		{"token with a suffix", bearer(adminToken + "x")},
		{"token prefix", bearer(adminToken[:4])},
		{"empty bearer", func(r *http.Request) { r.Header.Set("Authorization", "Bearer ") }},
		{"token without scheme", func(r *http.Request) { r.Header.Set("Authorization", adminToken) }},
		{"account SID and auth token", basic(accountA, tokenA)},
		{"API key and secret", basic("SKaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "demokeysecret")},
		{"admin token as Basic password", basic(accountA, adminToken)},
		{"admin token as Basic credentials", func(r *http.Request) {
			r.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(adminToken)))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// A stub each: more failures from one client than these would
			// be answered 429 (TestAdminTokenGuessesAreSlowed).
			stub := newStub(t)
			for _, call := range adminCalls {
				a := send(t, call.method, stub.URL+call.path, nil, tt.auth)
				a.TwilioError(t, http.StatusUnauthorized, twilioerr.CodeAuthenticate)
				if a.header.Get("Www-Authenticate") == "" {
					t.Errorf("%s %s: 401 without WWW-Authenticate", call.method, call.path)
				}
			}
		})
	}
}

func TestAdminTokenOpensTheAdminAPI(t *testing.T) {
	stub := newStub(t)
	for _, auth := range []func(*http.Request){
		bearer(adminToken),
		func(r *http.Request) { r.Header.Set("Authorization", "bearer "+adminToken) },
	} {
		if a := send(t, http.MethodGet, stub.URL+"/_stub/faults", nil, auth); a.status != http.StatusOK {
			t.Fatalf("with the token: %d %s", a.status, a.body)
		}
	}
}

// The admin token never opens the Twilio API: it takes HTTP Basic only.
func TestAdminTokenDoesNotOpenTheTwilioAPI(t *testing.T) {
	stub := newStub(t)
	for _, auth := range []func(*http.Request){
		bearer(adminToken),
		basic(accountA, adminToken),
		basic("admin", adminToken),
	} {
		send(t, http.MethodGet, stub.URL+fetchGeneral, nil, auth).TwilioError(t, http.StatusUnauthorized, twilioerr.CodeAuthenticate)
	}
	if a := twilio(t, stub, http.MethodGet, fetchGeneral, nil); a.status != http.StatusOK {
		t.Fatalf("Basic credentials: %d %s", a.status, a.body)
	}
}

func TestAdminAPIIsOffWithoutAToken(t *testing.T) {
	stub := stubtest.New(t, stubtest.WithoutAdmin())
	for _, call := range adminCalls {
		for _, auth := range []func(*http.Request){nil, bearer(""), bearer(adminToken), basic(accountA, tokenA)} {
			send(t, call.method, stub.URL+call.path, nil, auth).TwilioError(t, http.StatusNotFound, twilioerr.CodeNotFound)
		}
	}
	health, err := stub.Admin().GetHealthWithResponse(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if health.JSON200 == nil || health.JSON200.Status != "ok" {
		t.Fatalf("health with the admin API off: %d %s", health.StatusCode(), health.Body)
	}
}

func TestHealthIsOpen(t *testing.T) {
	stub := newStub(t)
	for _, auth := range []func(*http.Request){nil, bearer("wrong"), basic(accountA, tokenA)} {
		a := send(t, http.MethodGet, stub.URL+"/_stub/health", nil, auth)
		if a.status != http.StatusOK || string(a.body) != "{\"status\":\"ok\"}\n" {
			t.Fatalf("health: %d %q", a.status, a.body)
		}
	}
	resp, err := stub.Admin().GetHealthWithResponse(t.Context())
	if err != nil || resp.JSON200 == nil || resp.JSON200.Status != "ok" {
		t.Fatalf("health through the client: %v %v", err, resp)
	}
}

func TestUnknownAdminPathsAreTwilioErrors(t *testing.T) {
	stub := newStub(t)
	send(t, http.MethodGet, stub.URL+"/_stub/nope", nil, bearer(adminToken)).TwilioError(t, http.StatusNotFound, twilioerr.CodeNotFound)
	send(t, http.MethodPatch, stub.URL+"/_stub/state", nil, bearer(adminToken)).TwilioError(t, http.StatusMethodNotAllowed, twilioerr.CodeMethodNotAllowed)
}

// Wrong admin tokens from one client are slowed: after a burst of 401s,
// 429 with Retry-After. The right token is never refused meanwhile, and
// once the client waits, a wrong token is a 401 again.
func TestAdminTokenGuessesAreSlowed(t *testing.T) {
	stub := newStub(t)
	statuses := map[int]int{}
	var retryAfter string
	for range 3 * admin.GuessBurst {
		a := send(t, http.MethodGet, stub.URL+"/_stub/requests", nil, bearer("wrong-guess"))
		statuses[a.status]++
		if a.status == http.StatusTooManyRequests {
			retryAfter = a.header.Get("Retry-After")
			a.TwilioError(t, http.StatusTooManyRequests, twilioerr.CodeTooManyRequests)
		}
		if a := send(t, http.MethodGet, stub.URL+"/_stub/requests", nil, bearer(adminToken)); a.status != http.StatusOK {
			t.Fatalf("the right token, between guesses: %d %s", a.status, a.body)
		}
	}
	if statuses[http.StatusUnauthorized] < admin.GuessBurst || statuses[http.StatusTooManyRequests] == 0 || retryAfter != "1" {
		t.Fatalf("statuses %v, Retry-After %q", statuses, retryAfter)
	}
	time.Sleep(admin.GuessInterval + 100*time.Millisecond)
	send(t, http.MethodGet, stub.URL+"/_stub/requests", nil, bearer("wrong-guess")).TwilioError(t, http.StatusUnauthorized, twilioerr.CodeAuthenticate)
}
