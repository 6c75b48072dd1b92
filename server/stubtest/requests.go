package stubtest

import (
	"context"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	admingen "github.com/twilio-stubs/userconversations/gen/admin"
)

// Request is a Twilio API request the stub received, and how it answered.
type Request struct {
	// Seq numbers the requests from 1, in the order they were answered.
	Seq    int64
	Time   time.Time // when it arrived
	Method string
	// Path is as sent, percent-encoding included; PathParams are its
	// parameters (UserSid, ConversationSid, ChatServiceSid), decoded.
	Path       string
	PathParams map[string]string
	Query      url.Values
	Form       url.Values
	// Account is the account it authenticated as; "" if it did not.
	Account string
	// Operation is the Twilio API operation, such as
	// UpdateUserConversation; "" for a path or method the API lacks.
	Operation string
	// Status is the HTTP status answered; 0 when the connection was
	// dropped or reset without an answer.
	Status int
	// Code and Message are the Twilio error's; 0 and "" on a success.
	Code    int
	Message string
	// RequestID is the Twilio-Request-Id the answer carried.
	RequestID string
	// Fault is the id of the fault applied to it, if one was.
	Fault    string
	Duration time.Duration
}

// User is the user the request named (UserSid: an identity or a SID).
func (r Request) User() string { return r.PathParams["UserSid"] }

// Conversation is the conversation the request named (ConversationSid: a
// unique name or a SID); "" for a list.
func (r Request) Conversation() string { return r.PathParams["ConversationSid"] }

// String is the request on one line, as a failed assertion lists it.
func (r Request) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "#%d %s %s", r.Seq, r.Method, r.Path)
	if len(r.Query) > 0 {
		b.WriteString("?" + r.Query.Encode())
	}
	if len(r.Form) > 0 {
		b.WriteString(" form " + r.Form.Encode())
	}
	if r.Operation != "" {
		b.WriteString(" (" + r.Operation + ")")
	}
	switch {
	case r.Status == 0:
		b.WriteString(" -> no answer")
	case r.Code != 0:
		fmt.Fprintf(&b, " -> %d %d", r.Status, r.Code)
	default:
		fmt.Fprintf(&b, " -> %d", r.Status)
	}
	if r.Fault != "" {
		b.WriteString(" [fault " + r.Fault + "]")
	}
	return b.String()
}

// Match selects requests; zero fields select every request. The stub
// selects by account, operation, service, user, conversation, method and
// status as its admin API does (GET /_stub/requests); Query and Form are
// checked here.
type Match struct {
	// Operation is an operationId; one of the default service
	// (FetchUserConversation) stands for its service-scoped twin too.
	Operation string
	Method    string // any case
	Account   string
	// Service is a ChatServiceSid: requests under /v1/Services/{it} only.
	Service string
	// User and Conversation match requests that name them by either name:
	// identity or SID, unique name or SID.
	User, Conversation string
	// Query and Form hold parameters the request must have sent, each
	// with exactly these values; it may have sent others too.
	Query, Form url.Values
	// Status is the status answered; 0 for any.
	Status int
}

// String describes m, as a failed assertion shows it.
func (m Match) String() string {
	var parts []string
	add := func(name, value string) {
		if value != "" {
			parts = append(parts, name+" "+value)
		}
	}
	add("operation", m.Operation)
	add("method", m.Method)
	add("account", m.Account)
	add("service", m.Service)
	add("user", m.User)
	add("conversation", m.Conversation)
	add("query", m.Query.Encode())
	add("form", m.Form.Encode())
	if m.Status != 0 {
		add("status", fmt.Sprint(m.Status))
	}
	if len(parts) == 0 {
		return "any request"
	}
	return strings.Join(parts, ", ")
}

// has reports whether r sent the parameters m asks for.
func (m Match) has(r Request) bool {
	return sent(r.Query, m.Query) && sent(r.Form, m.Form)
}

func sent(got, want url.Values) bool {
	for name, values := range want {
		if !slices.Equal(got[name], values) {
			return false
		}
	}
	return true
}

// Requests returns the requests m selects, oldest first. The stub keeps
// the latest 1000 (Config.JournalSize).
func (s *Stub) Requests(m Match) []Request {
	s.helper()
	params := &admingen.ListRequestsParams{
		Operation:    optional(m.Operation),
		Method:       optional(m.Method),
		Account:      optional(m.Account),
		Service:      optional(m.Service),
		User:         optional(m.User),
		Conversation: optional(m.Conversation),
	}
	if m.Status != 0 {
		params.Status = &m.Status
	}
	resp, err := s.Admin().ListRequestsWithResponse(context.Background(), params)
	if err != nil {
		s.fatalf("reading the journal: %v", err)
	}
	if resp.JSON200 == nil {
		s.fatalf("reading the journal: %s", adminFailure(resp.StatusCode(), resp.Body))
	}
	var out []Request
	for _, e := range resp.JSON200.Requests {
		r := Request{
			Seq:        e.Seq,
			Time:       e.Time,
			Method:     e.Method,
			Path:       e.Path,
			PathParams: e.PathParams,
			Query:      url.Values(e.Query),
			Form:       url.Values(e.Form),
			Account:    deref(e.Account),
			Operation:  deref(e.Operation),
			Status:     e.Status,
			Code:       deref(e.Code),
			Message:    deref(e.Message),
			RequestID:  deref(e.RequestId),
			Fault:      deref(e.Fault),
			Duration:   time.Duration(e.DurationMs) * time.Millisecond,
		}
		if m.has(r) {
			out = append(out, r)
		}
	}
	return out
}

// AssertRequested fails t unless the stub received a request m selects,
// listing what it received instead. It returns the requests selected.
func (s *Stub) AssertRequested(t testing.TB, m Match) []Request {
	t.Helper()
	got := s.Requests(m)
	if len(got) == 0 {
		t.Errorf("stubtest: no request matched %s\n%s", m, s.received(m))
	}
	return got
}

// AssertRequestCount fails t unless the stub received exactly n requests m
// selects.
func (s *Stub) AssertRequestCount(t testing.TB, n int, m Match) []Request {
	t.Helper()
	got := s.Requests(m)
	if len(got) != n {
		t.Errorf("stubtest: %d requests matched %s, want %d\n%s", len(got), m, n, s.received(m))
	}
	return got
}

// maxListed bounds the requests a failed assertion lists.
const maxListed = 20

// received lists the latest requests, for a failed assertion on m; those
// of m's operation say how they differ from m.
func (s *Stub) received(m Match) string {
	all := s.Requests(Match{})
	if len(all) == 0 {
		return "the stub received no request"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "the stub received %d:", len(all))
	if len(all) > maxListed {
		fmt.Fprintf(&b, " (the latest %d)", maxListed)
		all = all[len(all)-maxListed:]
	}
	for _, r := range all {
		b.WriteString("\n\t" + r.String())
		if m.Operation != "" && strings.Replace(r.Operation, "Service", "", 1) == strings.Replace(m.Operation, "Service", "", 1) {
			for _, d := range m.differences(r) {
				b.WriteString("\n\t\t" + d)
			}
		}
	}
	return b.String()
}

// differences says where r departs from m, comparing names as sent (a
// user m names by identity matches a request naming its SID, though they
// differ here).
func (m Match) differences(r Request) []string {
	var out []string
	differ := func(what, got, want string) {
		if want != "" && got != want {
			out = append(out, fmt.Sprintf("%s: sent %q, want %q", what, got, want))
		}
	}
	differ("method", r.Method, strings.ToUpper(m.Method))
	differ("account", r.Account, m.Account)
	differ("service", r.PathParams["ChatServiceSid"], m.Service)
	differ("user", r.User(), m.User)
	differ("conversation", r.Conversation(), m.Conversation)
	for _, p := range []struct {
		what      string
		got, want url.Values
	}{{"query", r.Query, m.Query}, {"form", r.Form, m.Form}} {
		for _, name := range slices.Sorted(maps.Keys(p.want)) {
			if got := p.got[name]; !slices.Equal(got, p.want[name]) {
				out = append(out, fmt.Sprintf("%s %s: sent %q, want %q", p.what, name, got, p.want[name]))
			}
		}
	}
	if m.Status != 0 && r.Status != m.Status {
		out = append(out, fmt.Sprintf("status: %d, want %d", r.Status, m.Status))
	}
	return out
}

func deref[T any](p *T) T {
	var zero T
	if p != nil {
		zero = *p
	}
	return zero
}
