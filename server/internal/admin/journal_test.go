package admin_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	admingen "github.com/twilio-stubs/userconversations/gen/admin"
	"github.com/twilio-stubs/userconversations/server"
	"github.com/twilio-stubs/userconversations/server/internal/testkit"
	"github.com/twilio-stubs/userconversations/server/internal/twilioerr"
	"github.com/twilio-stubs/userconversations/server/stubtest"
)

// Every operation of the Twilio API is journaled with its operationId.
func TestJournalRecordsEveryOperation(t *testing.T) {
	stub := newStub(t)
	named := "/v1/Services/IScccccccccccccccccccccccccccccccc/Users/alice/Conversations"
	calls := []struct {
		method, path, query string
		form                url.Values
		status              int
		operation           string
	}{
		{"GET", "/v1/Users/alice/Conversations", "PageSize=2", nil, 200, "ListUserConversation"},
		{"GET", fetchGeneral, "", nil, 200, "FetchUserConversation"},
		{"POST", fetchGeneral, "", url.Values{"LastReadMessageIndex": {"42"}, "NotificationLevel": {"muted"}}, 200, "UpdateUserConversation"},
		{"DELETE", "/v1/Users/alice/Conversations/random", "", nil, 204, "DeleteUserConversation"},
		{"GET", named, "", nil, 200, "ListServiceUserConversation"},
		{"GET", named + "/team-internal", "", nil, 200, "FetchServiceUserConversation"},
		{"POST", named + "/team-internal", "", url.Values{"LastReadMessageIndex": {""}}, 200, "UpdateServiceUserConversation"},
		{"DELETE", named + "/team-internal", "", nil, 204, "DeleteServiceUserConversation"},
	}
	start := time.Now()
	for _, c := range calls {
		target := c.path
		if c.query != "" {
			target += "?" + c.query
		}
		if a := twilio(t, stub, c.method, target, c.form); a.status != c.status {
			t.Fatalf("%s %s: %d %s", c.method, c.path, a.status, a.body)
		}
	}
	entries := journal(t, stub, nil)
	if len(entries) != len(calls) {
		t.Fatalf("%d entries for %d requests", len(entries), len(calls))
	}
	for i, c := range calls {
		e := entries[i]
		wantQuery, _ := url.ParseQuery(c.query)
		wantForm := c.form
		if wantForm == nil {
			wantForm = url.Values{}
		}
		if e.Method != c.method || e.Path != c.path || e.Status != c.status || testkit.Deref(e.Operation) != c.operation ||
			testkit.Deref(e.Account) != accountA || e.Fault != nil ||
			!jsonEqual(e.Query, wantQuery) || !jsonEqual(e.Form, wantForm) {
			got, _ := json.Marshal(e)
			t.Errorf("entry %d: %s", i, got)
		}
		if e.Seq != int64(i+1) || e.Time.Before(start.Add(-time.Second)) || e.Time.After(time.Now()) || e.DurationMs < 0 {
			t.Errorf("entry %d: seq %d time %s", i, e.Seq, e.Time)
		}
	}
}

// Refused requests are journaled too, with what is known of them.
func TestJournalRecordsRefusals(t *testing.T) {
	stub := newStub(t)
	send(t, http.MethodGet, stub.URL+fetchGeneral, nil, basic(accountA, "wrongtoken"))
	twilio(t, stub, http.MethodGet, "/v1/Users/alice/Conversations?PageSize=0", nil)
	twilio(t, stub, http.MethodGet, "/v1/Nope", nil)
	twilio(t, stub, http.MethodGet, "/v1/Users/alice/Conversations/nope", nil)
	entries := journal(t, stub, nil)
	want := []struct {
		status             int
		account, operation string
	}{
		{401, "", "FetchUserConversation"},
		{400, accountA, "ListUserConversation"},
		{404, accountA, ""},
		{404, accountA, "FetchUserConversation"},
	}
	if len(entries) != len(want) {
		t.Fatalf("%d entries, want %d", len(entries), len(want))
	}
	for i, w := range want {
		e := entries[i]
		if e.Status != w.status || testkit.Deref(e.Account) != w.account || testkit.Deref(e.Operation) != w.operation {
			got, _ := json.Marshal(e)
			t.Errorf("entry %d: %s, want %+v", i, got, w)
		}
	}
}

func TestJournalFilters(t *testing.T) {
	stub := newStub(t)
	twilio(t, stub, http.MethodGet, "/v1/Users/alice/Conversations", nil)                                                // 1
	twilio(t, stub, http.MethodGet, fetchGeneral, nil)                                                                   // 2
	twilio(t, stub, http.MethodPost, fetchGeneral, url.Values{"NotificationLevel": {"muted"}})                           // 3
	send(t, http.MethodGet, stub.URL+fetchGeneral, nil, basic(accountB, tokenB))                                         // 4
	twilio(t, stub, http.MethodGet, "/v1/Users/bob/Conversations/general", nil)                                          // 5
	twilio(t, stub, http.MethodGet, "/v1/Users/eve%2Fops/Conversations", nil)                                            // 6
	twilio(t, stub, http.MethodPost, fetchGeneral, url.Values{"NotificationLevel": {"default"}})                         // 7
	send(t, http.MethodGet, stub.URL+"/_stub/requests", nil, bearer(adminToken))                                         // not journaled
	send(t, http.MethodGet, stub.URL+"/v1/Users/alice/Conversations/general", nil, basic(accountA, "wrong1"))            // 8
	twilio(t, stub, http.MethodGet, "/v1/Services/"+defaultService+"/Users/"+aliceSID+"/Conversations/"+generalSID, nil) // 9
	twilio(t, stub, http.MethodGet, "/v1/Services/"+otherService+"/Users/alice/Conversations", nil)                      // 10

	tests := []struct {
		name   string
		params admingen.ListRequestsParams
		want   []int64
	}{
		{"all", admingen.ListRequestsParams{}, []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}},
		{"account", admingen.ListRequestsParams{Account: new(accountB)}, []int64{4}},
		{"method", admingen.ListRequestsParams{Method: new("POST")}, []int64{3, 7}},
		{"method in lower case", admingen.ListRequestsParams{Method: new("post")}, []int64{3, 7}},
		{"exact path", admingen.ListRequestsParams{Path: new(fetchGeneral)}, []int64{2, 3, 4, 7, 8}},
		{"path prefix", admingen.ListRequestsParams{Path: new("/v1/Users/alice/")}, []int64{1, 2, 3, 4, 7, 8}},
		{"escaped path", admingen.ListRequestsParams{Path: new("/v1/Users/eve%2Fops/")}, []int64{6}},
		{"operation", admingen.ListRequestsParams{Operation: new("UpdateUserConversation")}, []int64{3, 7}},
		{"operation and its twin", admingen.ListRequestsParams{Operation: new("FetchUserConversation")}, []int64{2, 4, 5, 8, 9}},
		{"service-scoped operation", admingen.ListRequestsParams{Operation: new("ListServiceUserConversation")}, []int64{10}},
		{"scope", admingen.ListRequestsParams{Scope: new(admingen.FaultScopeService)}, []int64{9, 10}},
		{"service", admingen.ListRequestsParams{Service: new(otherService)}, []int64{10}},
		{"user by identity, in its service", admingen.ListRequestsParams{User: new("alice"), Account: new(accountA), Scope: new(admingen.FaultScopeDefault)}, []int64{1, 2, 3, 7}},
		{"user by SID", admingen.ListRequestsParams{User: new(aliceSID)}, []int64{1, 2, 3, 7, 9}},
		{"conversation by unique name", admingen.ListRequestsParams{Conversation: new("general"), Method: new("GET")}, []int64{2, 4, 5, 8, 9}},
		{"status", admingen.ListRequestsParams{Status: new(401)}, []int64{8}},
		{"limit keeps the latest", admingen.ListRequestsParams{Limit: new(3)}, []int64{8, 9, 10}},
		{"combined", admingen.ListRequestsParams{Account: new(accountA), Method: new("GET"), Path: new(fetchGeneral), Limit: new(5)}, []int64{2}},
		{"nothing matches", admingen.ListRequestsParams{Method: new("PUT")}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []int64
			for _, e := range journal(t, stub, &tt.params) {
				got = append(got, e.Seq)
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("seqs %v, want %v", got, tt.want)
			}
		})
	}

	for _, bad := range []string{"limit=0", "limit=x", "account=ACnope", "method=", "scope=both", "service=ISnope", "user=", "status=600", "operation=Nope"} {
		send(t, http.MethodGet, stub.URL+"/_stub/requests?"+bad, nil, bearer(adminToken)).TwilioError(t, 400, twilioerr.CodeInvalidParameter)
	}
}

func TestJournalClear(t *testing.T) {
	stub := newStub(t)
	twilio(t, stub, http.MethodGet, fetchGeneral, nil)
	twilio(t, stub, http.MethodGet, fetchGeneral, nil)
	resp, err := stub.Admin().ClearRequestsWithResponse(t.Context())
	if err != nil || resp.StatusCode() != http.StatusNoContent {
		t.Fatalf("clear: %v %d", err, resp.StatusCode())
	}
	if entries := journal(t, stub, nil); len(entries) != 0 {
		t.Fatalf("%d entries after clear", len(entries))
	}
	twilio(t, stub, http.MethodGet, fetchGeneral, nil)
	entries := journal(t, stub, nil)
	if len(entries) != 1 || entries[0].Seq != 3 {
		t.Fatalf("after clear and one request: %+v", entries)
	}
}

func TestJournalIsBounded(t *testing.T) {
	const size = 5
	stub := newStub(t, stubtest.WithConfig(func(c *server.Config) { c.JournalSize = size }))
	for i := range 3 * size {
		twilio(t, stub, http.MethodGet, fmt.Sprintf("/v1/Users/alice/Conversations?PageSize=%d", i+1), nil)
	}
	entries := journal(t, stub, nil)
	if len(entries) != size {
		t.Fatalf("%d entries, want %d", len(entries), size)
	}
	for i, e := range entries {
		if want := int64(2*size + i + 1); e.Seq != want || e.Query["PageSize"][0] != fmt.Sprint(want) {
			t.Fatalf("entry %d: seq %d query %v, want the latest", i, e.Seq, e.Query)
		}
	}
}

// No credential ever reaches the journal: not the Authorization header,
// not an auth token, API key secret or admin token, whether the request
// was let in or refused.
func TestJournalHoldsNoCredentials(t *testing.T) {
	stub := newStub(t)
	const keySID, keySecret = "SKaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "demokeysecret"
	send(t, http.MethodGet, stub.URL+fetchGeneral, nil, basic(accountA, tokenA))
	send(t, http.MethodPost, stub.URL+fetchGeneral, url.Values{"NotificationLevel": {"muted"}}, basic(keySID, keySecret))
	send(t, http.MethodGet, stub.URL+fetchGeneral, nil, basic(accountB, tokenB))
	send(t, http.MethodGet, stub.URL+fetchGeneral, nil, basic(accountA, "wrongtoken123"))
	send(t, http.MethodGet, stub.URL+fetchGeneral, nil, bearer(adminToken))
	// Credentials in the URL become an Authorization header too.
	u, _ := url.Parse(stub.URL + fetchGeneral)
	u.User = url.UserPassword(accountA, tokenA)
	send(t, http.MethodGet, u.String(), nil, nil)

	resp, err := stub.Admin().ListRequestsWithResponse(t.Context(), nil)
	if err != nil || resp.JSON200 == nil {
		t.Fatal(err)
	}
	if len(resp.JSON200.Requests) != 6 {
		t.Fatalf("%d entries, want 6", len(resp.JSON200.Requests))
	}
	raw := string(resp.Body)
	for _, secret := range []string{
		tokenA, tokenB, keySecret, "wrongtoken123", adminToken,
		"Authorization", "authorization", "Basic ", "Bearer",
		base64.StdEncoding.EncodeToString([]byte(accountA + ":" + tokenA)),
		base64.StdEncoding.EncodeToString([]byte(keySID + ":" + keySecret)),
	} {
		if strings.Contains(raw, secret) {
			t.Errorf("the journal holds %q: %s", secret, raw)
		}
	}
}

// Journaled form fields are those sent, and the handler still gets them.
func TestJournalKeepsTheBodyForTheHandler(t *testing.T) {
	stub := newStub(t)
	a := twilio(t, stub, http.MethodPost, fetchGeneral, url.Values{"LastReadMessageIndex": {"41"}})
	var uc struct {
		LastRead int `json:"last_read_message_index"`
	}
	if err := json.Unmarshal(a.body, &uc); err != nil || uc.LastRead != 41 {
		t.Fatalf("update: %d %s", a.status, a.body)
	}
	entries := journal(t, stub, &admingen.ListRequestsParams{Method: new("POST")})
	if len(entries) != 1 || !slices.Equal(entries[0].Form["LastReadMessageIndex"], []string{"41"}) {
		t.Fatalf("journal: %+v", entries)
	}
}

// A body over the Twilio API's limit is refused (413) and journaled
// without its fields.
func TestJournalWithAnOversizedBody(t *testing.T) {
	stub := newStub(t)
	big := url.Values{"NotificationLevel": {strings.Repeat("m", 70<<10)}}
	twilio(t, stub, http.MethodPost, fetchGeneral, big).TwilioError(t, http.StatusRequestEntityTooLarge, 20413)
	entries := journal(t, stub, nil)
	if len(entries) != 1 || entries[0].Status != http.StatusRequestEntityTooLarge || len(entries[0].Form) != 0 {
		t.Fatalf("journal: %+v", entries)
	}
}

// A test finds a request in the journal by the Twilio-Request-Id its client
// saw; a request answered by no one has none.
func TestJournalRecordsTheRequestID(t *testing.T) {
	stub := newStub(t)
	var ids []string
	for _, path := range []string{fetchGeneral, "/v1/Users/alice/Conversations/nowhere", fetchGeneral} {
		a := twilio(t, stub, http.MethodGet, path, nil)
		ids = append(ids, a.header.Get("Twilio-Request-Id"))
	}
	for i, id := range ids {
		resp, err := stub.Admin().ListRequestsWithResponse(t.Context(), &admingen.ListRequestsParams{RequestId: &id})
		if err != nil || resp.JSON200 == nil {
			t.Fatalf("journal: %v %s", err, resp.Body)
		}
		if got := resp.JSON200.Requests; len(got) != 1 || testkit.Deref(got[0].RequestId) != id || got[0].Seq != int64(i+1) {
			t.Errorf("request id %s: %+v", id, got)
		}
	}

	if _, err := stub.Admin().PutFaultWithResponse(t.Context(), admingen.FaultRule{Drop: new(true), Times: new(1)}); err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, stub.URL+fetchGeneral, nil)
	if err != nil {
		t.Fatal(err)
	}
	basic(accountA, tokenA)(req)
	// A fresh connection: on a reused one, net/http resends a GET that got
	// no answer.
	fresh := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	if resp, err := fresh.Do(req); err == nil {
		resp.Body.Close()
		t.Fatal("the dropped request was answered")
	}
	// The client sees the connection close before the stub's handler has
	// returned and journaled the request: wait for the entry.
	entries := journal(t, stub, nil)
	if last := entries[len(entries)-1]; len(entries) != 4 || last.Status != 0 || last.RequestId != nil {
		t.Errorf("dropped request: status %d, request id %v", last.Status, testkit.Deref(last.RequestId))
	}
}

// An entry keeps the beginning of a long path, query or form, and says so.
func TestJournalTruncatesLongRequests(t *testing.T) {
	stub := newStub(t)
	long := url.Values{}
	for i := range 500 {
		long.Add(fmt.Sprintf("p%03d", i), strings.Repeat("v", 10))
	}
	twilio(t, stub, http.MethodGet, "/v1/Users/alice/Conversations?"+long.Encode(), nil)
	twilio(t, stub, http.MethodGet, "/v1/Users/"+strings.Repeat("a", 5000)+"/Conversations", nil)
	twilio(t, stub, http.MethodPost, fetchGeneral, url.Values{"NotificationLevel": {"muted"}, "x": {strings.Repeat("y", 5000)}})
	twilio(t, stub, http.MethodGet, fetchGeneral, nil)
	entries := journal(t, stub, nil)
	if len(entries) != 4 {
		t.Fatalf("%d entries", len(entries))
	}
	size := func(v map[string][]string) (n int) {
		for k, vs := range v {
			for _, s := range vs {
				n += len(k) + len(s)
			}
		}
		return n
	}
	for i, e := range entries[:3] {
		if !testkit.Deref(e.Truncated) || len(e.Path) > 1024 || size(e.Query) > 2048 || size(e.Form) > 2048 {
			t.Errorf("entry %d: truncated %v, path %d bytes, query %d, form %d", i, testkit.Deref(e.Truncated), len(e.Path), size(e.Query), size(e.Form))
		}
	}
	if got := entries[2].Form["NotificationLevel"]; len(got) != 1 || got[0] != "muted" {
		t.Errorf("the form's first fields are kept: %v", entries[2].Form)
	}
	if entries[3].Truncated != nil {
		t.Error("a short request is marked truncated")
	}
}
