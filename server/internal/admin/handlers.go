package admin

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/twilio-stubs/userconversations/gen/adminserver"

	"github.com/labstack/echo/v4"

	admingen "github.com/twilio-stubs/userconversations/gen/admin"
	"github.com/twilio-stubs/userconversations/server/fixtures"
	"github.com/twilio-stubs/userconversations/server/internal/routes"
	"github.com/twilio-stubs/userconversations/server/store"
)

// handlers implements the admin API's generated server interface. Requests
// reach them validated against the admin spec.
type handlers struct{ *Admin }

var _ adminserver.ServerInterface = handlers{}

func (h handlers) GetHealth(c echo.Context) error {
	return c.JSON(http.StatusOK, admingen.Health{Status: admingen.HealthStatusOk})
}

// State.

func (h handlers) ResetState(c echo.Context, params admingen.ResetStateParams) error {
	fixtures, err := h.fixtures(c.Request().Context())
	if err != nil {
		return err
	}
	if params.Account == nil {
		if err := h.load(c, fixtures); err != nil {
			return err
		}
		h.violations.Clear()
		return c.NoContent(http.StatusNoContent)
	}
	sid := *params.Account
	i := slices.IndexFunc(fixtures.Accounts, func(a store.Account) bool { return a.SID == sid })
	if i < 0 {
		return newError(http.StatusNotFound, "The account "+sid+" is not in the fixtures loaded at start")
	}
	err = h.update(c, func(w store.World) store.World {
		return mergeAccounts(w, fixtures.Accounts[i:i+1])
	})
	if err != nil {
		return err
	}
	h.violations.ClearAccount(sid)
	return c.NoContent(http.StatusNoContent)
}

func (h handlers) ExportState(c echo.Context) error {
	w, err := h.store.Snapshot(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, fixtures.FromWorld(w))
}

func (h handlers) ReplaceState(c echo.Context) error {
	doc, err := readFixtures(c)
	if err != nil {
		return err
	}
	if err := h.load(c, doc); err != nil {
		return err
	}
	return h.ExportState(c)
}

func (h handlers) MergeState(c echo.Context) error {
	doc, err := readFixtures(c)
	if err != nil {
		return err
	}
	if err := h.update(c, func(w store.World) store.World { return mergeAccounts(w, doc.Accounts) }); err != nil {
		return err
	}
	return h.ExportState(c)
}

// update replaces the world with change(current world) atomically, so a
// Twilio API write arriving meanwhile is neither lost nor overwritten.
func (h handlers) update(c echo.Context, change func(store.World) store.World) error {
	ctx := c.Request().Context()
	return invalidStateError(h.store.Modify(ctx, func(w store.World) (store.World, error) {
		if err := stillThere(c); err != nil {
			return w, err
		}
		return change(w), nil
	}))
}

// load makes w the world.
func (h handlers) load(c echo.Context, w store.World) error {
	if err := stillThere(c); err != nil {
		return err
	}
	return invalidStateError(h.store.Load(c.Request().Context(), w))
}

// answerTime is how long a state write's answer may take to write, from
// the moment the write is applied.
const answerTime = time.Minute

// stillThere is called just before a state write is applied. If the client
// has gone (or the request's context ended otherwise), it returns why, and
// the write is not applied: no write outlives its connection. Otherwise it
// gives the answer answerTime from now to be written, whatever time the
// upload and the parsing took of the server's write timeout.
func stillThere(c echo.Context) error {
	if err := c.Request().Context().Err(); err != nil {
		return err
	}
	// Not every ResponseWriter has deadlines (a test recorder has none).
	_ = http.NewResponseController(c.Response()).SetWriteDeadline(time.Now().Add(answerTime))
	return nil
}

// invalidStateError turns a world that breaks the store's invariants (say,
// a merged account that reuses another account's service SID) into a 400.
func invalidStateError(err error) error {
	if errors.Is(err, store.ErrInvalidWorld) {
		return newError(http.StatusBadRequest, "Invalid state: "+err.Error())
	}
	return err
}

// mergeAccounts puts each of accounts in w in place of the account with
// the same SID, or else at the end.
func mergeAccounts(w store.World, accounts []store.Account) store.World {
	out := store.World{Accounts: slices.Clone(w.Accounts)}
	for _, a := range accounts {
		i := slices.IndexFunc(out.Accounts, func(b store.Account) bool { return b.SID == a.SID })
		if i >= 0 {
			out.Accounts[i] = a
		} else {
			out.Accounts = append(out.Accounts, a)
		}
	}
	return out
}

// fixtureMediaTypes are the media types of a fixture document: those
// api/admin.yaml declares, and YAML's other common name.
var fixtureMediaTypes = map[string]bool{
	echo.MIMEApplicationJSON: true,
	"application/yaml":       true,
	"application/x-yaml":     true,
}

// FixtureDocument reports whether route's request body is a fixture
// document: api/admin.yaml marks it `x-fixture-document: true`. Its
// handler reads the body once, with package fixtures, which validates it
// against the Fixtures schema of api/fixtures.yaml (errors naming the
// field, defaults, derived SIDs) as it does a --fixtures file; the request
// validator leaves such a body alone.
func FixtureDocument(route *routes.Route) bool {
	return route.BodyExtensions["x-fixture-document"] == true
}

// readFixtures parses the body, a fixture document in YAML or JSON, as a
// --fixtures file is parsed.
func readFixtures(c echo.Context) (store.World, error) {
	req := c.Request()
	mediaType, _, err := mime.ParseMediaType(req.Header.Get(echo.HeaderContentType))
	if err != nil || !fixtureMediaTypes[mediaType] {
		return store.World{}, errInvalid("Content-Type", "%q is not application/json or application/yaml", req.Header.Get(echo.HeaderContentType))
	}
	data, err := io.ReadAll(req.Body)
	if err != nil {
		return store.World{}, err // the body limit's 413, say
	}
	w, err := fixtures.Parse(data)
	if err != nil {
		var fieldErr *fixtures.FieldError
		if errors.As(err, &fieldErr) {
			return store.World{}, newError(http.StatusBadRequest, "Invalid request body: "+joinErrors(err))
		}
		return store.World{}, err
	}
	return w, nil
}

// Journal.

func (h handlers) ListRequests(c echo.Context, params admingen.ListRequestsParams) error {
	f := Filter{
		Target: Target{
			Account:      deref(params.Account),
			Operation:    deref(params.Operation),
			Scope:        string(deref(params.Scope)),
			Service:      deref(params.Service),
			User:         deref(params.User),
			Conversation: deref(params.Conversation),
		},
		Method:    deref(params.Method),
		Path:      deref(params.Path),
		RequestID: deref(params.RequestId),
		Status:    params.Status,
		Limit:     deref(params.Limit),
	}
	if err := h.target(c, &f.Target); err != nil {
		return err
	}
	h.unrecorded.settle()
	entries, err := h.journal.Entries(c.Request().Context(), f)
	if err != nil {
		return err
	}
	out := admingen.RequestJournal{Requests: make([]admingen.RecordedRequest, len(entries))}
	for i, e := range entries {
		out.Requests[i] = admingen.RecordedRequest{
			Seq:        e.Seq,
			Time:       e.Time,
			Method:     e.Method,
			Path:       e.Path,
			PathParams: e.PathParams,
			Query:      admingen.Values(e.Query),
			Form:       admingen.Values(e.Form),
			Account:    optional(e.Account),
			Operation:  optional(e.Operation),
			Status:     e.Status,
			DurationMs: e.Duration.Milliseconds(),
			Fault:      optional(e.Fault),
			RequestId:  optional(e.RequestID),
			Truncated:  optionalTrue(e.Truncated),
			Message:    optional(e.Message),
		}
		if e.Code != 0 {
			out.Requests[i].Code = &e.Code
		}
		if len(e.Violations) > 0 {
			out.Requests[i].Violations = &e.Violations
		}
	}
	return c.JSON(http.StatusOK, out)
}

func (h handlers) ClearRequests(c echo.Context) error {
	if err := h.journal.Clear(c.Request().Context()); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// Faults.

func (h handlers) ListFaults(c echo.Context) error {
	faults, err := h.faults.List(c.Request().Context())
	if err != nil {
		return err
	}
	out := admingen.FaultList{Faults: make([]admingen.Fault, len(faults))}
	for i, f := range faults {
		out.Faults[i] = faultModel(f)
	}
	return c.JSON(http.StatusOK, out)
}

func (h handlers) PutFault(c echo.Context) error {
	// The rule has passed api/admin.yaml's FaultRule schema (unknown
	// fields, ranges, the statuses); what is left to check spans fields.
	var rule admingen.FaultRule
	if err := json.NewDecoder(c.Request().Body).Decode(&rule); err != nil {
		return newError(http.StatusBadRequest, "Invalid request body: "+err.Error())
	}
	f := Fault{
		ID: deref(rule.Id),
		Target: Target{
			Account:      deref(rule.Account),
			Operation:    deref(rule.Operation),
			Scope:        string(deref(rule.Scope)),
			Service:      deref(rule.Service),
			User:         deref(rule.User),
			Conversation: deref(rule.Conversation),
		},
		Body:        string(deref(rule.Body)),
		Drop:        deref(rule.Drop),
		Reset:       deref(rule.Reset),
		Times:       deref(rule.Times),
		Probability: 1,
	}
	if rule.Probability != nil {
		f.Probability = *rule.Probability
	}
	if d := rule.Delay; d != nil {
		f.DelayMin = time.Duration(d.MinMs) * time.Millisecond
		f.DelayMax = f.DelayMin
		if d.MaxMs != nil {
			f.DelayMax = time.Duration(*d.MaxMs) * time.Millisecond
		}
	}
	if e := rule.Error; e != nil {
		f.Status = e.Status
		f.Code = deref(e.Code)
		f.RetryAfter = e.RetryAfter
		f.Message = deref(e.Message)
	}
	if err := h.target(c, &f.Target); err != nil {
		return err
	}
	kept, added, err := h.faults.Put(c.Request().Context(), f)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if added {
		status = http.StatusCreated
	}
	return c.JSON(status, faultModel(kept))
}

// target completes t: its scope, the operations it selects (the one named
// and its twin), and every name of its user and conversation in the world
// as it is now.
func (h handlers) target(c echo.Context, t *Target) error {
	switch {
	case t.Scope == "" && t.Service != "":
		t.Scope = ScopeService
	case t.Scope == "":
		t.Scope = ScopeAny
	case t.Scope == ScopeDefault && t.Service != "":
		return errInvalid("scope", "a service is in the service scope only")
	}
	if t.Operation != "" {
		if !h.ops.Has(t.Operation) {
			return errInvalid("operation", "%q is not an operation of the Twilio API (%s)", t.Operation, strings.Join(h.ops.Operations(), ", "))
		}
		t.Operations = []string{t.Operation}
		if twin := h.twins[t.Operation]; twin != "" {
			t.Operations = append(t.Operations, twin)
		} else if h.serviceOps[t.Operation] && t.Scope == ScopeDefault {
			return errInvalid("scope", "%s is an operation of the service scope", t.Operation)
		}
	}
	if t.User == "" && t.Conversation == "" {
		return nil
	}
	world, err := h.store.Snapshot(c.Request().Context())
	if err != nil {
		return err
	}
	t.Names = NewAliases(t, world)
	return nil
}

func (h handlers) ClearFaults(c echo.Context) error {
	if err := h.faults.Clear(c.Request().Context()); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (h handlers) RemoveFault(c echo.Context, id admingen.FaultId) error {
	removed, err := h.faults.Remove(c.Request().Context(), id)
	if err != nil {
		return err
	}
	if !removed {
		return newError(http.StatusNotFound, "The fault "+id+" was not found")
	}
	return c.NoContent(http.StatusNoContent)
}

func faultModel(f Fault) admingen.Fault {
	m := admingen.Fault{
		Id:           f.ID,
		Account:      optional(f.Account),
		Operation:    optional(f.Operation),
		Scope:        admingen.FaultScope(f.Scope),
		Service:      optional(f.Service),
		User:         optional(f.User),
		Conversation: optional(f.Conversation),
		Drop:         f.Drop,
		Reset:        f.Reset,
		Probability:  f.Probability,
		Applied:      f.Applied,
	}
	if f.Operations != nil {
		m.Operations = &f.Operations
	}
	if f.Body != "" {
		m.Body = new(admingen.FaultBody(f.Body))
	}
	if f.Times > 0 {
		m.Times = &f.Times
	}
	if f.DelayMax > 0 {
		m.Delay = &admingen.FaultDelay{MinMs: int(f.DelayMin.Milliseconds())}
		if f.DelayMax != f.DelayMin {
			m.Delay.MaxMs = new(int(f.DelayMax.Milliseconds()))
		}
	}
	if f.Status != 0 {
		m.Error = &admingen.FaultError{Status: f.Status, RetryAfter: f.RetryAfter, Message: optional(f.Message)}
		if f.Code != 0 {
			m.Error.Code = &f.Code
		}
	}
	return m
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// optional is nil for "", which the models leave out.
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// optionalTrue is nil for false, which the models leave out.
func optionalTrue(b bool) *bool {
	if !b {
		return nil
	}
	return &b
}
