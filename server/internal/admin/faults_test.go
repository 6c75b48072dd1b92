package admin_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	admingen "github.com/twilio-stubs/userconversations/gen/admin"
	"github.com/twilio-stubs/userconversations/server/internal/testkit"
	"github.com/twilio-stubs/userconversations/server/internal/twilioerr"
)

func TestFaultErrors(t *testing.T) {
	tests := []struct {
		name       string
		err        admingen.FaultError
		code       int
		retryAfter string
		message    string
	}{
		{"429 gets Retry-After 1", admingen.FaultError{Status: 429}, twilioerr.CodeTooManyRequests, "1", "Too Many Requests"},
		{"429 with Retry-After 0", admingen.FaultError{Status: 429, RetryAfter: new(0)}, twilioerr.CodeTooManyRequests, "0", "Too Many Requests"},
		{"500", admingen.FaultError{Status: 500}, twilioerr.CodeInternal, "", "Internal Server Error"},
		{"503", admingen.FaultError{Status: 503}, twilioerr.CodeUnavailable, "", "Service Unavailable"},
		{"503 with Retry-After", admingen.FaultError{Status: 503, RetryAfter: new(30), Message: new("Down for maintenance")}, twilioerr.CodeUnavailable, "30", "Down for maintenance"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stub := newStub(t)
			f := putFault(t, stub, admingen.FaultRule{Error: &tt.err})
			a := twilio(t, stub, http.MethodGet, fetchGeneral, nil)
			a.TwilioError(t, int(tt.err.Status), tt.code)
			if got := a.header.Get("Retry-After"); got != tt.retryAfter {
				t.Errorf("Retry-After %q, want %q", got, tt.retryAfter)
			}
			if !strings.Contains(string(a.body), tt.message) {
				t.Errorf("body %s does not say %q", a.body, tt.message)
			}
			entries := journal(t, stub, nil)
			if len(entries) != 1 || testkit.Deref(entries[0].Fault) != f.Id || entries[0].Status != int(tt.err.Status) {
				t.Fatalf("journal: %+v", entries)
			}
		})
	}
}

// A fault with times: 2 applies to two requests, then no more.
func TestFaultTimes(t *testing.T) {
	stub := newStub(t)
	f := putFault(t, stub, admingen.FaultRule{Error: &admingen.FaultError{Status: 503}, Times: new(2)})
	var statuses []int
	for range 4 {
		statuses = append(statuses, twilio(t, stub, http.MethodGet, fetchGeneral, nil).status)
	}
	if want := []int{503, 503, 200, 200}; !slices.Equal(statuses, want) {
		t.Fatalf("statuses %v, want %v", statuses, want)
	}
	list, err := stub.Admin().ListFaultsWithResponse(t.Context())
	if err != nil || list.JSON200 == nil || len(list.JSON200.Faults) != 1 {
		t.Fatalf("list: %v %s", err, list.Body)
	}
	if got := list.JSON200.Faults[0]; got.Id != f.Id || got.Applied != 2 || testkit.Deref(got.Times) != 2 {
		t.Fatalf("the spent fault: %+v", got)
	}
	var faulted []string
	for _, e := range journal(t, stub, nil) {
		faulted = append(faulted, testkit.Deref(e.Fault))
	}
	if want := []string{f.Id, f.Id, "", ""}; strings.Join(faulted, ",") != strings.Join(want, ",") {
		t.Fatalf("journal faults %q, want %q", faulted, want)
	}
}

func TestFaultProbability(t *testing.T) {
	stub := newStub(t)
	never := putFault(t, stub, admingen.FaultRule{Error: &admingen.FaultError{Status: 500}, Probability: new(0.0)})
	for range 50 {
		if a := twilio(t, stub, http.MethodGet, fetchGeneral, nil); a.status != http.StatusOK {
			t.Fatalf("probability 0 applied: %d", a.status)
		}
	}
	always := putFault(t, stub, admingen.FaultRule{Error: &admingen.FaultError{Status: 500}, Probability: new(1.0), Times: new(3)})
	for range 3 {
		twilio(t, stub, http.MethodGet, fetchGeneral, nil).TwilioError(t, 500, twilioerr.CodeInternal)
	}
	list, _ := stub.Admin().ListFaultsWithResponse(t.Context())
	if got := list.JSON200.Faults; got[0].Id != never.Id || got[0].Applied != 0 || got[1].Id != always.Id || got[1].Applied != 3 {
		t.Fatalf("faults: %+v", got)
	}
}

// A fault acts on its account and operation only.
func TestFaultSelectsAccountAndOperation(t *testing.T) {
	stub := newStub(t)
	putFault(t, stub, admingen.FaultRule{Account: new(accountB), Operation: new("UpdateUserConversation"), Error: &admingen.FaultError{Status: 500}})
	tests := []struct {
		name   string
		method string
		auth   func(*http.Request)
		status int
	}{
		{"A fetch", http.MethodGet, basic(accountA, tokenA), 200},
		{"A update", http.MethodPost, basic(accountA, tokenA), 200},
		{"B fetch", http.MethodGet, basic(accountB, tokenB), 200},
		{"B update", http.MethodPost, basic(accountB, tokenB), 500},
		{"B update unauthenticated", http.MethodPost, basic(accountB, "wrongtoken1"), 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var form url.Values
			if tt.method == http.MethodPost {
				form = url.Values{"NotificationLevel": {"muted"}}
			}
			if a := send(t, tt.method, stub.URL+fetchGeneral, form, tt.auth); a.status != tt.status {
				t.Fatalf("status %d, want %d: %s", a.status, tt.status, a.body)
			}
		})
	}
}

// Invalid requests are refused before any fault: faults see valid requests.
func TestFaultComesAfterValidation(t *testing.T) {
	stub := newStub(t)
	putFault(t, stub, admingen.FaultRule{Error: &admingen.FaultError{Status: 503}})
	twilio(t, stub, http.MethodGet, "/v1/Users/alice/Conversations?PageSize=0", nil).TwilioError(t, 400, twilioerr.CodeInvalidParameter)
	send(t, http.MethodGet, stub.URL+fetchGeneral, nil, nil).TwilioError(t, 401, twilioerr.CodeAuthenticate)
	twilio(t, stub, http.MethodGet, fetchGeneral, nil).TwilioError(t, 503, twilioerr.CodeUnavailable)
}

func TestFaultDelay(t *testing.T) {
	stub := newStub(t)
	const fixed = 150 * time.Millisecond
	f := putFault(t, stub, admingen.FaultRule{Delay: &admingen.FaultDelay{MinMs: int(fixed.Milliseconds())}, Times: new(1)})
	start := time.Now()
	if a := twilio(t, stub, http.MethodGet, fetchGeneral, nil); a.status != http.StatusOK {
		t.Fatalf("delayed request: %d %s", a.status, a.body)
	}
	if took := time.Since(start); took < fixed {
		t.Fatalf("took %s, want at least %s", took, fixed)
	}
	entries := journal(t, stub, nil)
	if len(entries) != 1 || testkit.Deref(entries[0].Fault) != f.Id || entries[0].DurationMs < fixed.Milliseconds() {
		t.Fatalf("journal: %+v", entries)
	}

	// A random delay stays in its range.
	putFault(t, stub, admingen.FaultRule{Delay: &admingen.FaultDelay{MinMs: 20, MaxMs: new(60)}})
	for range 5 {
		start := time.Now()
		twilio(t, stub, http.MethodGet, fetchGeneral, nil)
		if took := time.Since(start); took < 20*time.Millisecond || took > 2*time.Second {
			t.Fatalf("a 20..60 ms delay took %s", took)
		}
	}
}

// A delay ends when the client leaves; the request is journaled without an
// answer.
func TestFaultDelayEndsWhenTheClientLeaves(t *testing.T) {
	stub := newStub(t)
	putFault(t, stub, admingen.FaultRule{Delay: &admingen.FaultDelay{MinMs: 30000}})
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, stub.URL+fetchGeneral, nil)
	req.SetBasicAuth(accountA, tokenA)
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("answered %d within a 30 s delay", resp.StatusCode)
	}
	// The server notices and records the request long before 30 s.
	deadline := time.Now().Add(5 * time.Second)
	for {
		entries := journal(t, stub, nil)
		if len(entries) == 1 {
			if e := entries[0]; e.Status != 0 || e.DurationMs > 5000 {
				t.Fatalf("entry: status %d after %d ms", e.Status, e.DurationMs)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the delayed request was not let go when its client left")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestFaultDrop(t *testing.T) {
	stub := newStub(t)
	f := putFault(t, stub, admingen.FaultRule{Operation: new("FetchUserConversation"), Drop: new(true)})
	for _, keepAlive := range []bool{false, true} {
		client := &http.Client{Transport: &http.Transport{DisableKeepAlives: !keepAlive}}
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, stub.URL+fetchGeneral, nil)
		req.SetBasicAuth(accountA, tokenA)
		resp, err := client.Do(req)
		if err == nil {
			resp.Body.Close()
			t.Fatalf("keep-alive %v: answered %d, want a dropped connection", keepAlive, resp.StatusCode)
		}
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("keep-alive %v: %v", keepAlive, err)
		}
	}
	entries := journal(t, stub, nil)
	if len(entries) != 2 {
		t.Fatalf("%d entries for 2 dropped requests", len(entries))
	}
	for _, e := range entries {
		if e.Status != 0 || testkit.Deref(e.Fault) != f.Id {
			t.Fatalf("dropped request journaled as %d fault %q", e.Status, testkit.Deref(e.Fault))
		}
	}
	// Other operations are answered.
	if a := twilio(t, stub, http.MethodGet, "/v1/Users/alice/Conversations", nil); a.status != http.StatusOK {
		t.Fatalf("list: %d", a.status)
	}
}

// The first fault in list order that applies wins; the others are not
// counted.
func TestFirstApplicableFaultWins(t *testing.T) {
	stub := newStub(t)
	first := putFault(t, stub, admingen.FaultRule{Error: &admingen.FaultError{Status: 429}, Times: new(1)})
	second := putFault(t, stub, admingen.FaultRule{Error: &admingen.FaultError{Status: 503}, Times: new(1)})
	twilio(t, stub, http.MethodGet, fetchGeneral, nil).TwilioError(t, 429, twilioerr.CodeTooManyRequests)
	twilio(t, stub, http.MethodGet, fetchGeneral, nil).TwilioError(t, 503, twilioerr.CodeUnavailable)
	if a := twilio(t, stub, http.MethodGet, fetchGeneral, nil); a.status != http.StatusOK {
		t.Fatalf("third request: %d", a.status)
	}
	if first.Id != "f1" || second.Id != "f2" {
		t.Fatalf("ids %q %q, want f1 f2", first.Id, second.Id)
	}
}

func TestFaultListPutRemoveClear(t *testing.T) {
	stub := newStub(t)
	admin := stub.Admin()
	a := putFault(t, stub, admingen.FaultRule{Error: &admingen.FaultError{Status: 500}})
	b := putFault(t, stub, admingen.FaultRule{Id: new("slow-b"), Account: new(accountB), Delay: &admingen.FaultDelay{MinMs: 10, MaxMs: new(20)}})
	c := putFault(t, stub, admingen.FaultRule{Drop: new(true), Operation: new("DeleteUserConversation"), Times: new(2), Probability: new(0.5)})
	if a.Id != "f1" || b.Id != "slow-b" || c.Id != "f2" {
		t.Fatalf("ids %q %q %q", a.Id, b.Id, c.Id)
	}
	want := []admingen.Fault{
		{Id: "f1", Scope: "any", Error: &admingen.FaultError{Status: 500}, Probability: 1},
		{Id: "slow-b", Scope: "any", Account: new(accountB), Delay: &admingen.FaultDelay{MinMs: 10, MaxMs: new(20)}, Probability: 1},
		{Id: "f2", Scope: "any", Drop: true, Operation: new("DeleteUserConversation"), Operations: &[]string{"DeleteUserConversation", "DeleteServiceUserConversation"}, Times: new(2), Probability: 0.5},
	}
	list := func() []admingen.Fault {
		t.Helper()
		resp, err := admin.ListFaultsWithResponse(t.Context())
		if err != nil || resp.JSON200 == nil {
			t.Fatalf("list: %v", err)
		}
		return resp.JSON200.Faults
	}
	if got := list(); !jsonEqual(got, want) {
		t.Fatalf("faults %+v", got)
	}

	// PUT with an existing id replaces the fault in its place: 200.
	twilio(t, stub, http.MethodGet, fetchGeneral, nil) // f1 applied once
	resp, err := admin.PutFaultWithResponse(t.Context(), admingen.FaultRule{Id: new("f1"), Error: &admingen.FaultError{Status: 503}})
	if err != nil || resp.JSON200 == nil || resp.JSON200.Applied != 0 {
		t.Fatalf("replace: %v %d %s", err, resp.StatusCode(), resp.Body)
	}
	want[0].Error.Status = 503
	if got := list(); !jsonEqual(got, want) {
		t.Fatalf("after replacing f1: %+v", got)
	}

	removed, err := admin.RemoveFaultWithResponse(t.Context(), "slow-b")
	if err != nil || removed.StatusCode() != http.StatusNoContent {
		t.Fatalf("remove: %v %d", err, removed.StatusCode())
	}
	if got := list(); !jsonEqual(got, []admingen.Fault{want[0], want[2]}) {
		t.Fatalf("after removing slow-b: %+v", got)
	}
	again, err := admin.RemoveFaultWithResponse(t.Context(), "slow-b")
	if err != nil || again.JSON404 == nil {
		t.Fatalf("removing it again: %v %d", err, again.StatusCode())
	}

	cleared, err := admin.ClearFaultsWithResponse(t.Context())
	if err != nil || cleared.StatusCode() != http.StatusNoContent {
		t.Fatalf("clear: %v", err)
	}
	if got := list(); len(got) != 0 {
		t.Fatalf("after clear: %+v", got)
	}
	if a := twilio(t, stub, http.MethodGet, fetchGeneral, nil); a.status != http.StatusOK {
		t.Fatalf("after clear: %d", a.status)
	}
	// Assigned ids go on counting.
	if d := putFault(t, stub, admingen.FaultRule{Drop: new(true), Account: new(accountB)}); d.Id != "f3" {
		t.Fatalf("id after clear: %q", d.Id)
	}
}

func TestInvalidFaultsAreRefused(t *testing.T) {
	stub := newStub(t)
	tests := []struct{ name, body, mentions string }{
		{"nothing to do", `{}`, "does nothing"},
		{"nothing but a selector", `{"operation":"FetchUserConversation","times":1}`, "does nothing"},
		{"error and drop", `{"drop":true,"error":{"status":500}}`, "exclude"},
		{"unknown operation", `{"operation":"FetchConversation","drop":true}`, "FetchUserConversation"},
		{"status below 400", `{"error":{"status":302}}`, "error.status"},
		{"status over 599", `{"error":{"status":600}}`, "error.status"},
		{"code over 5 digits", `{"error":{"status":400,"code":100000}}`, "error.code"},
		{"unknown body", `{"body":"empty"}`, "body"},
		{"body and error", `{"body":"malformed","error":{"status":500}}`, "exclude"},
		{"reset and drop", `{"reset":true,"drop":true}`, "exclude"},
		{"unknown scope", `{"scope":"both","drop":true}`, "scope"},
		{"service in the default scope", `{"scope":"default","service":"IS00000000000000000000000000000000","drop":true}`, "scope"},
		{"service operation in the default scope", `{"scope":"default","operation":"FetchServiceUserConversation","drop":true}`, "scope"},
		{"bad service", `{"service":"ISnope","drop":true}`, "service"},
		{"empty user", `{"user":"","drop":true}`, "user"},
		{"negative retry_after", `{"error":{"status":429,"retry_after":-1}}`, "retry_after"},
		{"max below min", `{"delay":{"min_ms":50,"max_ms":10}}`, "max_ms"},
		{"delay too long", `{"delay":{"min_ms":30001}}`, "delay.min_ms"},
		{"no min_ms", `{"delay":{"max_ms":10}}`, "min_ms"},
		{"times 0", `{"drop":true,"times":0}`, "times"},
		{"probability over 1", `{"drop":true,"probability":1.5}`, "probability"},
		{"bad account", `{"drop":true,"account":"ACnope"}`, "account"},
		{"bad id", `{"drop":true,"id":"no spaces"}`, "id"},
		{"unknown field", `{"drop":true,"status":500}`, "status"},
		{"not JSON", `{`, "request body"},
		{"data after the rule", `{"drop":true} {"drop":false}`, "data after"},
		{"a second rule", `{"drop":true}{"error":{"status":500}}`, "data after"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := stub.Admin().PutFaultWithBodyWithResponse(t.Context(), "application/json", strings.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			if resp.JSON400 == nil || resp.JSON400.Code != twilioerr.CodeInvalidParameter || !strings.Contains(resp.JSON400.Message, tt.mentions) {
				t.Fatalf("%d %s, want a 400 mentioning %q", resp.StatusCode(), resp.Body, tt.mentions)
			}
		})
	}
	list, _ := stub.Admin().ListFaultsWithResponse(t.Context())
	if len(list.JSON200.Faults) != 0 {
		t.Fatalf("refused faults were kept: %+v", list.JSON200.Faults)
	}
	send(t, http.MethodDelete, stub.URL+"/_stub/faults/bad%20id", nil, bearer(adminToken)).TwilioError(t, 400, twilioerr.CodeInvalidParameter)
}
