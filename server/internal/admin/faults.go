package admin

import (
	"context"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/twilio-stubs/userconversations/server/store"
)

// Scopes a fault may act on: the paths under /v1/Users (the default
// service), those under /v1/Services/{ChatServiceSid}, or both.
const (
	ScopeAny     = "any"
	ScopeDefault = "default"
	ScopeService = "service"
)

// Broken bodies a fault may answer with (Fault.Body).
const (
	// BodyMalformed is a 200 whose application/json body is not JSON.
	BodyMalformed = "malformed"
	// BodyTruncated is the real answer cut after half its body, then the
	// connection closed.
	BodyTruncated = "truncated"
)

// Fault is a rule that disturbs matching Twilio API requests: it delays
// them, then answers an error or a broken body, drops or resets the
// connection, or lets them through.
type Fault struct {
	// ID names the fault; unique among the faults.
	ID string

	// Target selects the requests it acts on.
	Target

	// What the fault does: a delay, then at most one of an error, a broken
	// body, a dropped connection and a reset one.
	//
	// The delay is DelayMin, or uniformly random in DelayMin..DelayMax.
	DelayMin, DelayMax time.Duration
	// Status is the error answered, 400..599; 0 for none. Code is its
	// Twilio error code; 0 for the status's generic one.
	Status int
	Code   int
	// RetryAfter is the Retry-After header's value in seconds; nil for
	// the default (1 on a 429, none otherwise).
	RetryAfter *int
	// Message is the error body's message; "" for the status text.
	Message string
	// Body is BodyMalformed or BodyTruncated; "" for none.
	Body string
	// Drop closes the connection without answering; Reset resets it.
	Drop, Reset bool

	// Times is how many requests the fault applies to; 0 for no limit.
	Times int
	// Probability is the chance a matching request gets the fault.
	Probability float64
	// Applied counts the requests the fault was applied to.
	Applied int
}

// check reports what makes f unusable, naming the field. The rules on one
// field (the id's pattern, the delay's range, the statuses, times,
// probability) are api/admin.yaml's, checked when the rule arrives; these
// are the rules that span fields.
func (f *Fault) check() error {
	answers := 0
	for _, set := range []bool{f.Status != 0, f.Body != "", f.Drop, f.Reset} {
		if set {
			answers++
		}
	}
	switch {
	case f.DelayMax < f.DelayMin:
		return errInvalid("delay", "max_ms is below min_ms")
	case f.Status == 0 && (f.RetryAfter != nil || f.Code != 0 || f.Message != ""):
		return errInvalid("error", "status is required")
	case answers > 1:
		return errInvalid("fault", "error, body, drop and reset exclude each other")
	case answers == 0 && f.DelayMax == 0:
		return errInvalid("fault", "does nothing: give it a delay, an error, a body, drop or reset")
	}
	return nil
}

// Target selects Twilio API requests, for a fault or a journal query:
// zero fields select everything.
type Target struct {
	Account string
	// Operation is the operation named; Operations those it selects: the
	// named one and, for one of the default service, its service-scoped
	// twin. Admin.target sets them.
	Operation  string
	Operations []string
	// Scope is ScopeAny, ScopeDefault or ScopeService; "" is ScopeAny.
	Scope string
	// Service is a ChatServiceSid: only requests under it.
	Service string
	// User and Conversation are a user (identity or SID) and a
	// conversation (unique name or SID). Names holds every name a request
	// may give them by (see Aliases).
	User, Conversation string
	Names              *Aliases
}

// Request is what a target selects a Twilio API request by.
type Request struct {
	Account   string
	Operation string
	// Service is the ChatServiceSid of a path under /v1/Services; "" for
	// one under /v1/Users.
	Service string
	// User and Conversation are the path's UserSid and ConversationSid,
	// percent-decoded; Conversation is "" for a list.
	User, Conversation string
}

// selects reports whether f selects r.
func (f *Target) selects(r Request) bool {
	return (f.Account == "" || f.Account == r.Account) &&
		(f.Operation == "" || slices.Contains(f.Operations, r.Operation) || (f.Operations == nil && f.Operation == r.Operation)) &&
		(f.Scope != ScopeDefault || r.Service == "") &&
		(f.Scope != ScopeService || r.Service != "") &&
		(f.Service == "" || f.Service == r.Service) &&
		(f.User == "" || f.Names.has(f.Names.users, f.User, r, r.User)) &&
		(f.Conversation == "" || f.Names.has(f.Names.conversations, f.Conversation, r, r.Conversation))
}

// Aliases are the names of a target's user and conversation in the world
// as it was when the fault was added: a user's identity and SID, a
// conversation's unique name and SID, each within its service. A request
// may give either name; the fault acts on it either way.
type Aliases struct {
	users, conversations map[alias]bool
	// defaults maps each account to its default service: the one a path
	// under /v1/Users addresses.
	defaults map[string]string
}

// alias is a name within a service.
type alias struct{ service, name string }

// NewAliases finds the names of f's user and conversation in w, among the
// accounts and services f selects.
func NewAliases(f *Target, w store.World) *Aliases {
	a := &Aliases{users: map[alias]bool{}, conversations: map[alias]bool{}, defaults: map[string]string{}}
	for _, account := range w.Accounts {
		if len(account.Services) > 0 {
			a.defaults[account.SID] = account.Services[0].SID
		}
		if f.Account != "" && account.SID != f.Account {
			continue
		}
		for _, service := range account.Services {
			if f.Service != "" && service.SID != f.Service {
				continue
			}
			for _, u := range service.Users {
				if u.SID == f.User || u.Identity == f.User {
					a.users[alias{service.SID, u.SID}] = true
					a.users[alias{service.SID, u.Identity}] = true
				}
			}
			for _, c := range service.Conversations {
				if c.SID == f.Conversation || (c.UniqueName != nil && *c.UniqueName == f.Conversation) {
					a.conversations[alias{service.SID, c.SID}] = true
					if c.UniqueName != nil {
						a.conversations[alias{service.SID, *c.UniqueName}] = true
					}
				}
			}
		}
	}
	return a
}

// has reports whether a request r that names sent stands for given: it
// sent given itself, or another name of the same thing in r's service.
func (a *Aliases) has(names map[alias]bool, given string, r Request, sent string) bool {
	if sent == given {
		return true
	}
	if a == nil {
		return false
	}
	service := r.Service
	if service == "" {
		service = a.defaults[r.Account]
	}
	return names[alias{service, sent}]
}

// Faults is the list of faults, in the order they were added. It is safe
// for concurrent use.
type Faults struct {
	mu     sync.Mutex
	list   []*Fault
	lastID int
}

// NewFaults returns an empty list.
func NewFaults() *Faults { return &Faults{} }

// Put is FaultStore's.
func (fs *Faults) Put(_ context.Context, f Fault) (Fault, bool, error) {
	f.Applied = 0
	if err := f.check(); err != nil {
		return Fault{}, false, err
	}
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if f.ID != "" {
		if i := fs.index(f.ID); i >= 0 {
			fs.list[i] = &f
			return f.clone(), false, nil
		}
	} else {
		for f.ID == "" || fs.index(f.ID) >= 0 {
			fs.lastID++
			f.ID = "f" + strconv.Itoa(fs.lastID)
		}
	}
	fs.list = append(fs.list, &f)
	return f.clone(), true, nil
}

func (fs *Faults) index(id string) int {
	return slices.IndexFunc(fs.list, func(f *Fault) bool { return f.ID == id })
}

// Remove is FaultStore's.
func (fs *Faults) Remove(_ context.Context, id string) (bool, error) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	i := fs.index(id)
	if i < 0 {
		return false, nil
	}
	fs.list = slices.Delete(fs.list, i, i+1)
	return true, nil
}

// Clear is FaultStore's.
func (fs *Faults) Clear(context.Context) error {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.list = nil
	return nil
}

// List is FaultStore's.
func (fs *Faults) List(context.Context) ([]Fault, error) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	out := make([]Fault, len(fs.list))
	for i, f := range fs.list {
		out[i] = f.clone()
	}
	return out, nil
}

// clone is a copy of f that shares no memory with it.
func (f *Fault) clone() Fault {
	c := *f
	c.Operations = slices.Clone(f.Operations)
	if f.RetryAfter != nil {
		c.RetryAfter = new(*f.RetryAfter)
	}
	return c
}

// Take is FaultStore's. It counts the fault as applied in the critical
// section that picks it. The fault returned shares its Operations and
// Names with the kept one; they are only read.
func (fs *Faults) Take(_ context.Context, r Request) (Fault, bool, error) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	for _, f := range fs.list {
		if !f.selects(r) || f.spent() || !f.draw() {
			continue
		}
		f.Applied++
		return *f, true, nil
	}
	return Fault{}, false, nil
}

// spent reports whether f was applied as many times as it may be.
func (f *Fault) spent() bool { return f.Times > 0 && f.Applied >= f.Times }

// draw reports whether this request gets f, by its probability.
func (f *Fault) draw() bool { return f.Probability >= 1 || rand.Float64() < f.Probability }

// delay picks this request's delay.
func (f *Fault) delay() time.Duration {
	if f.DelayMax <= f.DelayMin {
		return f.DelayMin
	}
	return f.DelayMin + rand.N(f.DelayMax-f.DelayMin+1)
}

// action names what f does, for metrics: its answer if it has one, else
// its delay.
func (f *Fault) action() string {
	switch {
	case f.Drop:
		return "drop"
	case f.Reset:
		return "reset"
	case f.Body != "":
		return "body"
	case f.Status != 0:
		return "error"
	}
	return "delay"
}

// answer is the error f answers with.
func (f *Fault) answer() *Error {
	message := f.Message
	if message == "" {
		message = http.StatusText(f.Status)
	}
	if message == "" {
		message = "HTTP " + strconv.Itoa(f.Status)
	}
	e := newError(f.Status, message)
	if f.Code != 0 {
		e.Code = f.Code
	}
	retryAfter := f.RetryAfter
	if retryAfter == nil && f.Status == http.StatusTooManyRequests {
		retryAfter = new(1)
	}
	if retryAfter != nil {
		e.Header = http.Header{"Retry-After": {strconv.Itoa(*retryAfter)}}
	}
	return e
}
