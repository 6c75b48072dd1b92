package admin

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/twilio-stubs/userconversations/server/internal/routes"
)

// Fault is a rule that disturbs matching Twilio API requests: it delays
// them, then answers an error, drops the connection, or lets them through.
type Fault struct {
	// ID names the fault; unique among the faults.
	ID string
	// Account and Operation select the requests; "" selects all.
	Account   string
	Operation string
	// The delay is DelayMin, or uniformly random in DelayMin..DelayMax.
	DelayMin, DelayMax time.Duration
	// Status is the error answered: 429, 500 or 503; 0 for none.
	Status int
	// RetryAfter is the Retry-After header's value in seconds; nil for
	// the default (1 on a 429, none on a 503).
	RetryAfter *int
	// Message is the error body's message; "" for the status text.
	Message string
	// Drop closes the connection without answering.
	Drop bool
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
	switch {
	case f.DelayMax < f.DelayMin:
		return errInvalid("delay", "max_ms is below min_ms")
	case f.RetryAfter != nil && (f.Status == 0 || f.Status == http.StatusInternalServerError):
		return errInvalid("error", "retry_after goes with status 429 or 503 only")
	case f.Status != 0 && f.Drop:
		return errInvalid("fault", "error and drop exclude each other")
	case f.Status == 0 && !f.Drop && f.DelayMax == 0:
		return errInvalid("fault", "does nothing: give it a delay, an error or drop")
	}
	return nil
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

// Put adds f at the end of the list, with a new ID unless f has one; an f
// with the ID of a listed fault replaces that one in its place. Either way
// its count starts from zero. It returns the fault as kept and whether it
// was added rather than replaced; an unusable f is an *Error.
func (fs *Faults) Put(f Fault) (Fault, bool, error) {
	f.Applied = 0
	if err := f.check(); err != nil {
		return Fault{}, false, err
	}
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if f.ID != "" {
		if i := fs.index(f.ID); i >= 0 {
			fs.list[i] = &f
			return f, false, nil
		}
	} else {
		for f.ID == "" || fs.index(f.ID) >= 0 {
			fs.lastID++
			f.ID = "f" + strconv.Itoa(fs.lastID)
		}
	}
	fs.list = append(fs.list, &f)
	return f, true, nil
}

func (fs *Faults) index(id string) int {
	return slices.IndexFunc(fs.list, func(f *Fault) bool { return f.ID == id })
}

// Remove removes the fault with id, and reports whether there was one.
func (fs *Faults) Remove(id string) bool {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	i := fs.index(id)
	if i < 0 {
		return false
	}
	fs.list = slices.Delete(fs.list, i, i+1)
	return true
}

// Clear removes every fault. IDs the stub assigns go on counting.
func (fs *Faults) Clear() {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.list = nil
}

// List returns copies of the faults, in order.
func (fs *Faults) List() []Fault {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	out := make([]Fault, len(fs.list))
	for i, f := range fs.list {
		out[i] = *f
		if f.RetryAfter != nil {
			out[i].RetryAfter = new(*f.RetryAfter)
		}
	}
	return out
}

// take picks the fault for a request of account for operation: the first,
// in order, that selects the request, is not spent and wins its draw. It
// counts the fault as applied, in the same critical section, so that a
// fault with Times n applies to exactly n requests however many arrive at
// once.
func (fs *Faults) take(account, operation string) (Fault, bool) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	for _, f := range fs.list {
		if (f.Account != "" && f.Account != account) ||
			(f.Operation != "" && f.Operation != operation) ||
			(f.Times > 0 && f.Applied >= f.Times) ||
			(f.Probability < 1 && rand.Float64() >= f.Probability) {
			continue
		}
		f.Applied++
		return *f, true
	}
	return Fault{}, false
}

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
	e := newError(f.Status, message)
	retryAfter := f.RetryAfter
	if retryAfter == nil && f.Status == http.StatusTooManyRequests {
		retryAfter = new(1)
	}
	if retryAfter != nil {
		e.Header = http.Header{"Retry-After": {strconv.Itoa(*retryAfter)}}
	}
	return e
}

// InjectFaults applies the faults to Twilio API requests. It must come
// after authentication and request validation, so that the account and the
// operation are known and only valid requests are disturbed, and before
// anything that holds the response (response validation), so that a
// connection can be dropped and an injected 503, which the Twilio spec
// does not list, is not taken for a broken contract.
//
// It is a step of the Twilio API's chain, on its operations only; while the
// admin API is off, it is left out.
func (a *Admin) InjectFaults() routes.Step {
	return func(route *routes.Route) echo.MiddlewareFunc {
		if !a.Enabled() || route == nil || route.NotAllowed() {
			return nil
		}
		return func(next echo.HandlerFunc) echo.HandlerFunc {
			return a.injectFaults(route.OperationID, next)
		}
	}
}

func (a *Admin) injectFaults(operation string, next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		f, ok := a.faults.take(a.account(c), operation)
		if !ok {
			return next(c)
		}
		c.Set(faultKey, f.ID)
		a.faultApplied(operation, f.action())
		if d := f.delay(); d > 0 {
			if err := sleep(c.Request().Context(), d); err != nil {
				// The client left: nobody is there to answer.
				return abandon(c)
			}
		}
		switch {
		case f.Drop:
			return abandon(c)
		case f.Status != 0:
			return f.answer()
		}
		return next(c)
	}
}

// sleep waits for d, or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}

// abandon closes the request's connection without answering. Where the
// connection cannot be taken over (HTTP/2), the response is aborted
// instead, which resets the stream.
func abandon(c echo.Context) error {
	c.Set(noAnswerKey, true)
	conn, _, err := http.NewResponseController(c.Response()).Hijack()
	if err != nil {
		if errors.Is(err, http.ErrNotSupported) {
			panic(http.ErrAbortHandler)
		}
		return fmt.Errorf("admin: dropping the connection: %w", err)
	}
	_ = conn.Close()
	// Nothing may be written any more; the log shows no status.
	c.Response().Committed = true
	c.Response().Status = 0
	return nil
}
