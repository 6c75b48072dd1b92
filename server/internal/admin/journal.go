package admin

import (
	"bytes"
	"context"
	"io"
	"maps"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/twilio-stubs/userconversations/server/internal/routes"
	"github.com/twilio-stubs/userconversations/server/internal/violations"
)

// Entry is one request the Twilio API received, and its answer. It holds
// no credentials: no header is recorded.
type Entry struct {
	// Seq numbers the entries in the order they were recorded, from 1.
	Seq    int64
	Time   time.Time // when the request arrived
	Method string
	Path   string // as sent, percent-encoding included
	// PathParams are the path's parameters by name, percent-decoded.
	PathParams map[string]string
	Query      url.Values
	Form       url.Values // fields of an application/x-www-form-urlencoded body
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
	// RequestID is the Twilio-Request-Id the answer carried.
	RequestID string
	// Truncated says the path, query or form was longer than the journal
	// keeps (MaxJournalPathBytes, MaxJournalValuesBytes): what is recorded
	// is its beginning.
	Truncated bool
	// Code and Message are those of the Twilio error answered (a 400's
	// reason, say); 0 and "" for a success.
	Code    int
	Message string
	// Violations are the ids of the contract violations of the request or
	// its upstream answer (proxy mode); nil for none.
	Violations []string
}

// Filter selects journal entries; zero fields select everything.
type Filter struct {
	// Target selects by account, operation, scope, service, user and
	// conversation, as a fault does.
	Target
	Method    string // any case
	Path      string // prefix of the escaped path
	RequestID string // exact
	Status    *int   // exact (0: no answer was sent); nil for any
	Limit     int    // the latest Limit entries; 0 for all
}

func (f *Filter) matches(e *Entry) bool {
	return (f.Method == "" || strings.EqualFold(e.Method, f.Method)) &&
		(f.Path == "" || strings.HasPrefix(e.Path, f.Path)) &&
		(f.RequestID == "" || e.RequestID == f.RequestID) &&
		(f.Status == nil || e.Status == *f.Status) &&
		f.selects(Request{
			Account:      e.Account,
			Operation:    e.Operation,
			Service:      e.PathParams[paramService],
			User:         e.PathParams[paramUser],
			Conversation: e.PathParams[paramConversation],
		})
}

// Bounds of one journal entry: the path, and the query and form fields,
// each kept up to so many bytes (names and values); what is left out marks
// the entry Truncated. With the journal's own bounds (entries and bytes),
// they keep its memory bounded whatever clients send.
const (
	MaxJournalPathBytes   = 1024
	MaxJournalValuesBytes = 2048
)

// DefaultJournalBytes bounds the journal's memory unless told otherwise:
// 8 MiB.
const DefaultJournalBytes = 8 << 20

// entryOverhead is what an entry costs beyond its strings: the struct, the
// maps' headers, the strings' headers.
const entryOverhead = 256

// bytes estimates what e holds in memory.
func (e *Entry) bytes() int64 {
	n := entryOverhead + len(e.Method) + len(e.Path) + len(e.Account) + len(e.Operation) + len(e.Fault) + len(e.RequestID) + len(e.Message)
	for key, value := range e.PathParams {
		n += len(key) + len(value) + 64
	}
	for _, id := range e.Violations {
		n += len(id) + 16
	}
	for _, v := range []url.Values{e.Query, e.Form} {
		// A map entry (key and slice headers, its share of the buckets),
		// then each value's header and bytes: measured, about 64 and 24.
		for key, values := range v {
			n += len(key) + 64
			for _, value := range values {
				n += len(value) + 24
			}
		}
	}
	return int64(n)
}

// Journal keeps the latest requests, at most size entries and maxBytes
// bytes (Entry.bytes), dropping the oldest first. It never allocates room
// for more than size entries; recording costs one short critical section
// and no allocation once the ring is full. It is safe for concurrent use.
type Journal struct {
	size     int
	maxBytes int64

	mu    sync.Mutex
	ring  []Entry // circular; grows to size
	head  int     // index of the oldest entry
	n     int     // entries held
	bytes int64   // their Entry.bytes
	seq   int64
}

// NewJournal returns a journal that keeps the latest size entries (at
// least one) within maxBytes (0 means DefaultJournalBytes).
func NewJournal(size int, maxBytes int64) *Journal {
	if maxBytes <= 0 {
		maxBytes = DefaultJournalBytes
	}
	return &Journal{size: max(size, 1), maxBytes: maxBytes}
}

// Size is how many entries the journal keeps at most.
func (j *Journal) Size() int { return j.size }

// Record adds e, numbering it, and drops the oldest entries until both
// bounds hold. An entry bigger than the byte bound on its own is kept
// alone.
func (j *Journal) Record(e Entry) {
	eb := e.bytes()
	j.mu.Lock()
	defer j.mu.Unlock()
	j.seq++
	e.Seq = j.seq
	for j.n > 0 && (j.n == j.size || j.bytes+eb > j.maxBytes) {
		j.dropOldest()
	}
	if j.n == len(j.ring) {
		// Grow by doubling, but never past size: a large journal that sees
		// few requests stays small, and a full one is exactly size.
		grown := make([]Entry, min(max(2*len(j.ring), 16), j.size))
		for i := range j.n {
			grown[i] = j.ring[(j.head+i)%len(j.ring)]
		}
		j.ring, j.head = grown, 0
	}
	j.ring[(j.head+j.n)%len(j.ring)] = e
	j.n++
	j.bytes += eb
}

func (j *Journal) dropOldest() {
	old := &j.ring[j.head]
	j.bytes -= old.bytes()
	*old = Entry{} // let its maps go
	j.head = (j.head + 1) % len(j.ring)
	j.n--
}

// Len is how many entries the journal holds.
func (j *Journal) Len() int {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.n
}

// Bytes is what the journal's entries hold, as Entry.bytes counts it.
func (j *Journal) Bytes() int64 {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.bytes
}

// Entries returns the entries f selects, oldest first. They share no
// memory with the journal.
func (j *Journal) Entries(_ context.Context, f Filter) ([]Entry, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	var out []Entry
	// Newest first, so that Limit stops the walk early.
	for i := j.n - 1; i >= 0; i-- {
		e := &j.ring[(j.head+i)%len(j.ring)]
		if !f.matches(e) {
			continue
		}
		c := *e
		c.Query, c.Form = cloneValues(e.Query), cloneValues(e.Form)
		c.PathParams = maps.Clone(e.PathParams)
		c.Violations = slices.Clone(e.Violations)
		out = append(out, c)
		if f.Limit > 0 && len(out) == f.Limit {
			break
		}
	}
	slices.Reverse(out)
	return out, nil
}

// Clear empties the journal; numbering goes on.
func (j *Journal) Clear(context.Context) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	clear(j.ring) // let the entries' maps go
	j.head, j.n, j.bytes = 0, 0, 0
	return nil
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
		// Copies of what the entry keeps of the request: net/http's strings
		// are slices of the request line, which may be 64 KB long.
		path, cutPath := violations.CapString(req.URL.EscapedPath(), MaxJournalPathBytes)
		path = strings.Clone(path)
		query, cutQuery := parseCapped(req.URL.RawQuery, MaxJournalValuesBytes)
		form, cutForm := captureForm(req, a.maxFormBytes)
		entry := Entry{
			Time:      start.UTC(),
			Method:    strings.Clone(req.Method),
			Path:      path,
			Query:     query,
			Form:      form,
			Truncated: cutPath || cutQuery || cutForm,
		}
		a.unrecorded.track(c)
		defer func() {
			// Only http.ErrAbortHandler gets here: the recovery
			// middleware turns every other panic into a 500.
			p := recover()
			if p == nil && err != nil && !c.Response().Committed {
				c.Error(err)
			}
			entry.Duration = time.Since(start)
			entry.Account = a.account(c)
			entry.RequestID = a.reqID(c)
			entry.Operation = operation
			entry.PathParams = map[string]string{}
			if operation != "" {
				entry.PathParams = PathParams(c)
			}
			for name, value := range entry.PathParams {
				// Together within the path's bound: they are parts of it.
				if v, cut := violations.CapString(value, MaxJournalPathBytes/len(entry.PathParams)); cut {
					entry.PathParams[name], entry.Truncated = strings.Clone(v), true
				}
			}
			entry.Fault, _ = c.Get(faultKey).(string)
			entry.Status = c.Response().Status
			entry.Code, entry.Message = a.answerError(c)
			entry.Violations = violations.Marked(c)
			// A client that left before its answer was written got none.
			if p != nil || c.Get(noAnswerKey) != nil || req.Context().Err() != nil {
				entry.Status, entry.Code, entry.Message = 0, 0, ""
				entry.RequestID = "" // never sent
			}
			a.journal.Record(entry)
			a.unrecorded.recorded(c)
			if p != nil {
				panic(p)
			}
		}()
		return next(c)
	}
}

// captureForm reads the form fields of an application/x-www-form-urlencoded
// body of up to max bytes (the Twilio API's body limit: a larger body is
// refused anyway), and puts the body back for the handlers. It reads no
// further than that: a larger body is passed on whole, unread parts
// included, and recorded without fields. It keeps fields as parseCapped
// does, and reports whether it left any out.
func captureForm(req *http.Request, max int64) (url.Values, bool) {
	if req.Body == nil || req.Body == http.NoBody || req.ContentLength > max {
		return url.Values{}, false
	}
	mediaType, _, err := mime.ParseMediaType(req.Header.Get(echo.HeaderContentType))
	if err != nil || mediaType != echo.MIMEApplicationForm {
		return url.Values{}, false
	}
	data, err := io.ReadAll(io.LimitReader(req.Body, max+1))
	req.Body = readCloser{io.MultiReader(bytes.NewReader(data), req.Body), req.Body}
	if err != nil || int64(len(data)) > max {
		return url.Values{}, true
	}
	return parseCapped(string(data), MaxJournalValuesBytes)
}

// parseCapped parses a query string as url.ParseQuery does, keeping the
// pairs that parse, up to budget bytes of names and values, and reports
// whether it left any out. It stops reading at the budget, so a huge query
// costs no more than a small one.
func parseCapped(raw string, budget int) (url.Values, bool) {
	values := url.Values{}
	for raw != "" {
		var pair string
		pair, raw, _ = strings.Cut(raw, "&")
		if pair == "" {
			continue
		}
		key, value, _ := strings.Cut(pair, "=")
		if strings.Contains(key, ";") {
			continue // url.ParseQuery refuses ';' as a separator
		}
		k, err1 := url.QueryUnescape(key)
		v, err2 := url.QueryUnescape(value)
		if err1 != nil || err2 != nil {
			continue // what parses is kept
		}
		if budget -= len(k) + len(v); budget < 0 {
			return values, true
		}
		// Copies: unescaping returns slices of raw when there is nothing to
		// unescape, and those would keep all of raw alive in the journal.
		values[strings.Clone(k)] = append(values[k], strings.Clone(v))
	}
	return values, false
}

type readCloser struct {
	io.Reader
	io.Closer
}
