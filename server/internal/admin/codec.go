package admin

import (
	"cmp"
	"encoding/json"
	"net/url"
	"slices"
	"time"
)

// How a fault rule and a journal entry are kept in a store.Shared: JSON,
// with names of their own, so that what a database holds does not change
// when a Go field is renamed. A fault's target is kept as it was
// completed when the fault was put (its operations, and the names of its
// user and conversation then), so every replica applies it alike,
// whatever the world has become since.

// faultRecord is a Fault but its ID, Times and Applied, which the store
// keeps in columns.
type faultRecord struct {
	Account      string         `json:"account,omitempty"`
	Operation    string         `json:"operation,omitempty"`
	Operations   []string       `json:"operations,omitempty"`
	Scope        string         `json:"scope,omitempty"`
	Service      string         `json:"service,omitempty"`
	User         string         `json:"user,omitempty"`
	Conversation string         `json:"conversation,omitempty"`
	Names        *aliasesRecord `json:"names,omitempty"`
	DelayMin     time.Duration  `json:"delay_min_ns,omitempty"`
	DelayMax     time.Duration  `json:"delay_max_ns,omitempty"`
	Status       int            `json:"status,omitempty"`
	Code         int            `json:"code,omitempty"`
	RetryAfter   *int           `json:"retry_after,omitempty"`
	Message      string         `json:"message,omitempty"`
	Body         string         `json:"body,omitempty"`
	Drop         bool           `json:"drop,omitempty"`
	Reset        bool           `json:"reset,omitempty"`
	Probability  float64        `json:"probability"`
}

// aliasesRecord is Aliases: names as [service, name] pairs.
type aliasesRecord struct {
	Users         [][2]string       `json:"users,omitempty"`
	Conversations [][2]string       `json:"conversations,omitempty"`
	Defaults      map[string]string `json:"defaults,omitempty"`
}

func encodeFault(f Fault) ([]byte, error) {
	r := faultRecord{
		Account: f.Account, Operation: f.Operation, Operations: f.Operations, Scope: f.Scope,
		Service: f.Service, User: f.User, Conversation: f.Conversation,
		DelayMin: f.DelayMin, DelayMax: f.DelayMax, Status: f.Status, Code: f.Code,
		RetryAfter: f.RetryAfter, Message: f.Message, Body: f.Body, Drop: f.Drop, Reset: f.Reset,
		Probability: f.Probability,
	}
	if a := f.Names; a != nil {
		r.Names = &aliasesRecord{Users: pairs(a.users), Conversations: pairs(a.conversations), Defaults: a.defaults}
	}
	return json.Marshal(r)
}

func decodeFault(id string, data []byte, times, applied int) (Fault, error) {
	var r faultRecord
	if err := json.Unmarshal(data, &r); err != nil {
		return Fault{}, err
	}
	f := Fault{
		ID: id,
		Target: Target{
			Account: r.Account, Operation: r.Operation, Operations: r.Operations, Scope: r.Scope,
			Service: r.Service, User: r.User, Conversation: r.Conversation,
		},
		DelayMin: r.DelayMin, DelayMax: r.DelayMax, Status: r.Status, Code: r.Code,
		RetryAfter: r.RetryAfter, Message: r.Message, Body: r.Body, Drop: r.Drop, Reset: r.Reset,
		Times: times, Probability: r.Probability, Applied: applied,
	}
	if n := r.Names; n != nil {
		f.Names = &Aliases{users: aliasSet(n.Users), conversations: aliasSet(n.Conversations), defaults: n.Defaults}
		if f.Names.defaults == nil {
			f.Names.defaults = map[string]string{}
		}
	}
	return f, nil
}

// pairs lists a set of aliases in a stable order.
func pairs(set map[alias]bool) [][2]string {
	out := make([][2]string, 0, len(set))
	for a := range set {
		out = append(out, [2]string{a.service, a.name})
	}
	slices.SortFunc(out, func(x, y [2]string) int {
		return cmp.Or(cmp.Compare(x[0], y[0]), cmp.Compare(x[1], y[1]))
	})
	return out
}

func aliasSet(pairs [][2]string) map[alias]bool {
	out := make(map[alias]bool, len(pairs))
	for _, p := range pairs {
		out[alias{p[0], p[1]}] = true
	}
	return out
}

// entryRecord is an Entry but its Seq, which the store numbers.
type entryRecord struct {
	Time       time.Time         `json:"time"`
	Method     string            `json:"method"`
	Path       string            `json:"path"`
	PathParams map[string]string `json:"path_params,omitempty"`
	Query      url.Values        `json:"query,omitempty"`
	Form       url.Values        `json:"form,omitempty"`
	Account    string            `json:"account,omitempty"`
	Operation  string            `json:"operation,omitempty"`
	Status     int               `json:"status"`
	Duration   time.Duration     `json:"duration_ns"`
	Fault      string            `json:"fault,omitempty"`
	RequestID  string            `json:"request_id,omitempty"`
	Truncated  bool              `json:"truncated,omitempty"`
	Code       int               `json:"code,omitempty"`
	Message    string            `json:"message,omitempty"`
	Violations []string          `json:"violations,omitempty"`
}

func encodeEntry(e *Entry) ([]byte, error) {
	return json.Marshal(entryRecord{
		Time: e.Time, Method: e.Method, Path: e.Path, PathParams: e.PathParams, Query: e.Query, Form: e.Form,
		Account: e.Account, Operation: e.Operation, Status: e.Status, Duration: e.Duration, Fault: e.Fault,
		RequestID: e.RequestID, Truncated: e.Truncated, Code: e.Code, Message: e.Message,
		Violations: e.Violations,
	})
}

func decodeEntry(seq int64, data []byte) (Entry, error) {
	var r entryRecord
	if err := json.Unmarshal(data, &r); err != nil {
		return Entry{}, err
	}
	e := Entry{
		Seq: seq, Time: r.Time, Method: r.Method, Path: r.Path, PathParams: r.PathParams, Query: r.Query, Form: r.Form,
		Account: r.Account, Operation: r.Operation, Status: r.Status, Duration: r.Duration, Fault: r.Fault,
		RequestID: r.RequestID, Truncated: r.Truncated, Code: r.Code, Message: r.Message,
		Violations: r.Violations,
	}
	// As the in-memory journal gives them: maps, never nil.
	if e.PathParams == nil {
		e.PathParams = map[string]string{}
	}
	if e.Query == nil {
		e.Query = url.Values{}
	}
	if e.Form == nil {
		e.Form = url.Values{}
	}
	return e, nil
}
