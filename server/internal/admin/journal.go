package admin

import (
	"bytes"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/twilio-stubs/userconversations/server/internal/routes"
)

// Entry is one request the Twilio API received, and its answer. It holds
// no credentials: no header is recorded.
type Entry struct {
	// Seq numbers the entries in the order they were recorded, from 1.
	Seq    int64
	Time   time.Time // when the request arrived
	Method string
	Path   string // as sent, percent-encoding included
	Query  url.Values
	Form   url.Values // fields of an application/x-www-form-urlencoded body
	// Account is the account the request authenticated as; "" if none.
	Account string
	// Operation is the Twilio API operation; "" for an unknown route.
	Operation string
	// Status is the status answered; 0 when no answer was sent (a dropped
	// connection, or a client that left while a fault delayed it).
	Status   int
	Duration time.Duration
	// Fault is the id of the fault applied, or "".
	Fault string
	// Code and Message are those of the Twilio error answered (a 400's
	// reason, say); 0 and "" for a success.
	Code    int
	Message string
}

// Filter selects journal entries; zero fields select everything.
type Filter struct {
	Account   string // exact
	Method    string // any case
	Path      string // prefix of the escaped path
	Operation string // exact
	Limit     int    // the latest Limit entries; 0 for all
}

func (f Filter) matches(e *Entry) bool {
	return (f.Account == "" || e.Account == f.Account) &&
		(f.Method == "" || strings.EqualFold(e.Method, f.Method)) &&
		(f.Path == "" || strings.HasPrefix(e.Path, f.Path)) &&
		(f.Operation == "" || e.Operation == f.Operation)
}

// Journal is a bounded ring of the latest requests: it never holds more
// than its size, nor allocates room for more. Recording costs one short
// critical section and no allocation once the ring is full; it is safe for
// concurrent use.
type Journal struct {
	size int

	mu    sync.Mutex
	ring  []Entry // grows to size, then wraps
	start int     // index of the oldest entry once the ring is full
	seq   int64
}

// NewJournal returns a journal that keeps the latest size entries (at
// least one).
func NewJournal(size int) *Journal {
	return &Journal{size: max(size, 1)}
}

// Size is how many entries the journal keeps at most.
func (j *Journal) Size() int { return j.size }

// Record adds e, numbering it, and drops the oldest entry when full.
func (j *Journal) Record(e Entry) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.seq++
	e.Seq = j.seq
	if len(j.ring) < j.size {
		if len(j.ring) == cap(j.ring) {
			// Grow by doubling, but never past size: a large journal that
			// sees few requests stays small, and a full one is exactly size.
			grown := make([]Entry, len(j.ring), min(max(2*cap(j.ring), 16), j.size))
			copy(grown, j.ring)
			j.ring = grown
		}
		j.ring = append(j.ring, e)
		return
	}
	j.ring[j.start] = e
	j.start = (j.start + 1) % j.size
}

// Len is how many entries the journal holds.
func (j *Journal) Len() int {
	j.mu.Lock()
	defer j.mu.Unlock()
	return len(j.ring)
}

// Entries returns the entries f selects, oldest first. They share no
// memory with the journal.
func (j *Journal) Entries(f Filter) []Entry {
	j.mu.Lock()
	defer j.mu.Unlock()
	var out []Entry
	// Newest first, so that Limit stops the walk early.
	for i := len(j.ring) - 1; i >= 0; i-- {
		e := &j.ring[(j.start+i)%len(j.ring)]
		if !f.matches(e) {
			continue
		}
		c := *e
		c.Query, c.Form = cloneValues(e.Query), cloneValues(e.Form)
		out = append(out, c)
		if f.Limit > 0 && len(out) == f.Limit {
			break
		}
	}
	slices.Reverse(out)
	return out
}

// Clear empties the journal; numbering goes on.
func (j *Journal) Clear() {
	j.mu.Lock()
	defer j.mu.Unlock()
	clear(j.ring) // let the entries' maps go
	j.ring, j.start = j.ring[:0], 0
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = slices.Clone(vs)
	}
	return out
}

// Echo context keys, set by InjectFaults for Record.
const (
	faultKey    = "admin/fault"
	noAnswerKey = "admin/no-answer"
)

// Record is the step that journals every Twilio API request once its
// answer is known, with its operation (none for a path or method the spec
// does not have). It must be the first step of the chain, so that it sees
// the status of every answer, panics and refusals by later steps included.
// While the admin API is off, it is left out.
func (a *Admin) Record() routes.Step {
	return func(route *routes.Route) echo.MiddlewareFunc {
		if !a.Enabled() {
			return nil
		}
		var operation string
		if route != nil {
			operation = route.OperationID
		}
		return func(next echo.HandlerFunc) echo.HandlerFunc {
			return a.record(operation, next)
		}
	}
}

func (a *Admin) record(operation string, next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) (err error) {
		req := c.Request()
		start := time.Now() // UTC() would drop the monotonic clock
		entry := Entry{
			Time:   start.UTC(),
			Method: req.Method,
			Path:   req.URL.EscapedPath(),
			Query:  req.URL.Query(),
			Form:   captureForm(req, a.maxFormBytes),
		}
		defer func() {
			// Only http.ErrAbortHandler gets here: the recovery
			// middleware turns every other panic into a 500.
			p := recover()
			if p == nil && err != nil && !c.Response().Committed {
				c.Error(err)
			}
			entry.Duration = time.Since(start)
			entry.Account = a.account(c)
			entry.Operation = operation
			entry.Fault, _ = c.Get(faultKey).(string)
			entry.Status = c.Response().Status
			entry.Code, entry.Message = a.answerError(c)
			if p != nil || c.Get(noAnswerKey) != nil {
				entry.Status, entry.Code, entry.Message = 0, 0, ""
			}
			a.journal.Record(entry)
			if p != nil {
				panic(p)
			}
		}()
		return next(c)
	}
}

// captureForm reads the form fields of an application/x-www-form-urlencoded
// body of up to max bytes (the Twilio API's body limit: a larger body is
// refused anyway), and puts the body back for the handlers. It
// reads no further than that: a larger body is passed on whole, unread
// parts included, and recorded without fields.
func captureForm(req *http.Request, max int64) url.Values {
	if req.Body == nil || req.Body == http.NoBody || req.ContentLength > max {
		return url.Values{}
	}
	mediaType, _, err := mime.ParseMediaType(req.Header.Get(echo.HeaderContentType))
	if err != nil || mediaType != echo.MIMEApplicationForm {
		return url.Values{}
	}
	data, err := io.ReadAll(io.LimitReader(req.Body, max+1))
	req.Body = readCloser{io.MultiReader(bytes.NewReader(data), req.Body), req.Body}
	if err != nil || int64(len(data)) > max {
		return url.Values{}
	}
	values, _ := url.ParseQuery(string(data)) // what parses is kept
	return values
}

type readCloser struct {
	io.Reader
	io.Closer
}
