package stubtest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	admingen "github.com/twilio-stubs/userconversations/gen/admin"
)

// Broken bodies a Fault may answer with.
const (
	// Malformed is a 200 whose application/json body is not JSON.
	Malformed = "malformed"
	// Truncated is the real answer cut after half its body, then the
	// connection closed.
	Truncated = "truncated"
)

// Scopes a Fault may be narrowed to.
const (
	// DefaultScope is the paths under /v1/Users.
	DefaultScope = "default"
	// ServiceScope is the paths under /v1/Services/{ChatServiceSid}.
	ServiceScope = "service"
)

// Fault disturbs the requests it selects: after an optional delay, it
// answers an error (Status) or a broken body (Body), drops the connection
// (Drop) or resets it (Reset). Zero fields select every request; a fault
// with none of Status, Body, Drop and Reset only delays. It is the admin
// API's fault rule (PUT /_stub/faults) with a test's defaults: Retry-After
// 0 unless RetryAfter says otherwise, so a client that honours it retries
// at once.
type Fault struct {
	// ID names the fault; the stub numbers it (f1, f2, ...) if left out.
	// A fault with the ID of another replaces it.
	ID string

	// Operation is an operationId; one of the default service
	// (FetchUserConversation) stands for its service-scoped twin too.
	Operation string
	// Scope is DefaultScope or ServiceScope; "" for both.
	Scope   string
	Account string
	// Service is a ChatServiceSid: requests under /v1/Services/{it} only.
	Service string
	// User and Conversation select requests that name them by either name:
	// identity or SID, unique name or SID.
	User, Conversation string

	// Delay holds every selected request this long; with DelayUpTo, a
	// uniformly random time from Delay to DelayUpTo. At most 30 s.
	Delay, DelayUpTo time.Duration
	// Status is the error answered (400..599), with Twilio's error body:
	// Code (the status's generic code, 20000 + status, if 0) and Message
	// (the status text if "").
	Status  int
	Code    int
	Message string
	// RetryAfter is the Retry-After header of a 429 or 503 (0 if left
	// out), and of any other status when set.
	RetryAfter time.Duration
	// Body is Malformed or Truncated.
	Body string
	// Drop closes the connection without an answer; Reset resets it.
	Drop, Reset bool

	// Times applies the fault to the first Times selected requests only;
	// 0 for every one.
	Times int
	// Probability is the chance a selected request gets the fault; 0 is
	// taken for 1.
	Probability float64
}

// rule is f as the admin API takes it.
func (f Fault) rule() admingen.FaultRule {
	rule := admingen.FaultRule{
		Id:           optional(f.ID),
		Operation:    optional(f.Operation),
		Account:      optional(f.Account),
		Service:      optional(f.Service),
		User:         optional(f.User),
		Conversation: optional(f.Conversation),
	}
	if f.Scope != "" {
		rule.Scope = new(admingen.FaultScope(f.Scope))
	}
	if f.Delay > 0 || f.DelayUpTo > 0 {
		rule.Delay = &admingen.FaultDelay{MinMs: int(f.Delay.Milliseconds())}
		if f.DelayUpTo > 0 {
			rule.Delay.MaxMs = new(int(f.DelayUpTo.Milliseconds()))
		}
	}
	if f.Status != 0 {
		rule.Error = &admingen.FaultError{Status: f.Status, Message: optional(f.Message)}
		if f.Code != 0 {
			rule.Error.Code = &f.Code
		}
		if f.RetryAfter > 0 || f.Status == http.StatusTooManyRequests || f.Status == http.StatusServiceUnavailable {
			rule.Error.RetryAfter = new(int(f.RetryAfter.Round(time.Second).Seconds()))
		}
	}
	if f.Body != "" {
		rule.Body = new(admingen.FaultBody(f.Body))
	}
	if f.Drop {
		rule.Drop = &f.Drop
	}
	if f.Reset {
		rule.Reset = &f.Reset
	}
	if f.Times > 0 {
		rule.Times = &f.Times
	}
	if f.Probability > 0 {
		rule.Probability = &f.Probability
	}
	return rule
}

// Fault adds f, or replaces the fault with its ID, and returns its ID. A
// fault the stub refuses fails the test, with the stub's reason.
func (s *Stub) Fault(f Fault) string {
	s.helper()
	resp, err := s.Admin().PutFaultWithResponse(context.Background(), f.rule())
	if err != nil {
		s.fatalf("adding a fault: %v", err)
	}
	kept := resp.JSON201
	if kept == nil {
		kept = resp.JSON200
	}
	if kept == nil {
		s.fatalf("adding a fault: %s", adminFailure(resp.StatusCode(), resp.Body))
	}
	return kept.Id
}

// Reset puts the stub back as it started: the world it was seeded with,
// no faults, an empty journal.
func (s *Stub) Reset() {
	s.helper()
	ctx := context.Background()
	admin := s.Admin()
	for _, step := range []struct {
		what string
		call func() (*http.Response, error)
	}{
		{"the faults", func() (*http.Response, error) { return admin.ClearFaults(ctx) }},
		{"the state", func() (*http.Response, error) { return admin.ResetState(ctx, nil) }},
		{"the journal", func() (*http.Response, error) { return admin.ClearRequests(ctx) }},
	} {
		resp, err := step.call()
		if err != nil {
			s.fatalf("resetting %s: %v", step.what, err)
		}
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		resp.Body.Close()
		if resp.StatusCode != http.StatusNoContent {
			s.fatalf("resetting %s: %s", step.what, adminFailure(resp.StatusCode, body))
		}
	}
}

// adminFailure explains an admin API call that failed: the status, and
// the message of Twilio's error body when it is one.
func adminFailure(status int, body []byte) string {
	var e struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	}
	text := string(body)
	if json.Unmarshal(body, &e) == nil && e.Message != "" {
		text = fmt.Sprintf("%d %s", e.Code, e.Message)
	}
	if status == http.StatusNotFound {
		return fmt.Sprintf("404 (is the admin API off? WithoutAdmin turns it off): %s", text)
	}
	return fmt.Sprintf("%d %s", status, text)
}

// helper marks the caller as a test helper.
func (s *Stub) helper() {
	if s.tb != nil {
		s.tb.Helper()
	}
}

// fatalf fails the test the stub was started for; after Start, with no
// test to fail, it panics.
func (s *Stub) fatalf(format string, args ...any) {
	if s.tb != nil {
		s.tb.Helper()
		s.tb.Fatalf("stubtest: "+format, args...)
	}
	panic(fmt.Sprintf("stubtest: "+format, args...))
}
