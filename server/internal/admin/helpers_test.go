package admin_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"

	admingen "github.com/twilio-stubs/userconversations/gen/admin"
	"github.com/twilio-stubs/userconversations/server/fixtures"
	"github.com/twilio-stubs/userconversations/server/store"
	"github.com/twilio-stubs/userconversations/server/stubtest"
)

const adminToken = "admin-token-0123"

// The demo world's two accounts.
var (
	accountA, tokenA = fixtures.DemoAccountSID, fixtures.DemoAuthToken
	accountB, tokenB = fixtures.DemoOtherAccountSID, fixtures.DemoOtherAuthToken
)

// newStub starts a stub on the demo world with the admin API on.
func newStub(t *testing.T, opts ...stubtest.Option) *stubtest.Stub {
	t.Helper()
	opts = append([]stubtest.Option{stubtest.WithAdminToken(adminToken)}, opts...)
	return stubtest.New(t, append(opts, sharedStore(t)...)...)
}

type answer struct {
	status int
	header http.Header
	body   []byte
}

// send sends one request and reads the answer; auth, if not nil, sets the
// credentials. It never retries.
func send(t *testing.T, method, target string, form url.Values, auth func(*http.Request)) answer {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(t.Context(), method, target, body)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if auth != nil {
		auth(req)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return answer{status: resp.StatusCode, header: resp.Header, body: data}
}

func basic(sid, token string) func(*http.Request) {
	return func(r *http.Request) { r.SetBasicAuth(sid, token) }
}

func bearer(token string) func(*http.Request) {
	return func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+token) }
}

// twilio sends a Twilio API request as account A.
func twilio(t *testing.T, stub *stubtest.Stub, method, path string, form url.Values) answer {
	t.Helper()
	return send(t, method, stub.URL+path, form, basic(accountA, tokenA))
}

// twilioError checks a is Twilio's error JSON with status and code.
func (a answer) TwilioError(t *testing.T, status, code int) {
	t.Helper()
	if a.status != status {
		t.Fatalf("status %d, want %d: %s", a.status, status, a.body)
	}
	var e struct {
		Code     int    `json:"code"`
		Status   int    `json:"status"`
		Message  string `json:"message"`
		MoreInfo string `json:"more_info"`
	}
	if err := json.Unmarshal(a.body, &e); err != nil {
		t.Fatalf("error body is not JSON: %v: %q", err, a.body)
	}
	if e.Code != code || e.Status != status || e.Message == "" || !strings.HasSuffix(e.MoreInfo, "/errors/"+strconv.Itoa(code)) {
		t.Fatalf("error body %s, want code %d status %d", a.body, code, status)
	}
}

func snapshot(t *testing.T, s store.Store) store.World {
	t.Helper()
	w, err := s.Snapshot(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func sameWorld(t *testing.T, got, want store.World, what string) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		gotJSON, _ := json.Marshal(fixtures.FromWorld(got))
		wantJSON, _ := json.Marshal(fixtures.FromWorld(want))
		t.Fatalf("%s:\n got %.600s\nwant %.600s", what, gotJSON, wantJSON)
	}
}

// journal reads the journal through the admin client.
func journal(t *testing.T, stub *stubtest.Stub, params *admingen.ListRequestsParams) []admingen.RecordedRequest {
	t.Helper()
	resp, err := stub.Admin().ListRequestsWithResponse(t.Context(), params)
	if err != nil {
		t.Fatal(err)
	}
	if resp.JSON200 == nil {
		t.Fatalf("list requests: %d %s", resp.StatusCode(), resp.Body)
	}
	return resp.JSON200.Requests
}

// putFault adds a fault through the admin client and returns it.
func putFault(t *testing.T, stub *stubtest.Stub, rule admingen.FaultRule) admingen.Fault {
	t.Helper()
	resp, err := stub.Admin().PutFaultWithResponse(t.Context(), rule)
	if err != nil {
		t.Fatal(err)
	}
	f := resp.JSON201
	if f == nil {
		f = resp.JSON200
	}
	if f == nil {
		t.Fatalf("put fault: %d %s", resp.StatusCode(), resp.Body)
	}
	return *f
}

const fetchGeneral = "/v1/Users/alice/Conversations/general"
