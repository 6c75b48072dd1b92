// Package violations keeps what proxy mode found off the contract: every
// place where a request to the stub, or an answer of the upstream, broke
// api/openapi.yaml. The Reporter logs each one (a line naming the
// operation, the JSON Pointer, the rule and the value), counts it for the
// metrics, keeps it in the Log that GET /_stub/violations lists, and marks
// the request for the journal.
//
// No credential ever reaches a violation, and no value the spec marks as
// personal data (x-twilio: {pii: ...}): package validation withholds
// those.
package violations

import (
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/twilio-stubs/userconversations/server/internal/validation"
)

// Directions: what broke the contract.
const (
	Request  = "request"  // a request to the stub, refused (400)
	Response = "response" // an answer of the upstream
)

// Violation is one problem of one request or answer.
type Violation struct {
	// ID names it: "v1", "v2", ..., counting on across clears.
	ID        string
	Time      time.Time
	Direction string
	// Operation is the Twilio API operation (operationId).
	Operation string
	Method    string
	Path      string // as sent, percent-encoding included; at most MaxPathBytes
	// Status is the status of the answer: the upstream's for a response,
	// the stub's 400 for a request.
	Status int
	// Account is the request's account (the HTTP Basic user name); "" if
	// none.
	Account string
	// RequestID is the Twilio-Request-Id of the answer that broke the
	// contract (the upstream's), or of the stub's 400.
	RequestID string
	validation.Problem
}

// Bounds: how many violations the Log keeps (the latest), how many one
// answer may add (a page of a thousand bad items would otherwise flush the
// log), and how much of a path and of a value each keeps.
const (
	DefaultLogSize = 1000
	MaxPerAnswer   = 100
	MaxPathBytes   = 1024
	// MaxValueBytes bounds a problem's value. A value cut to it may no
	// longer be valid JSON (a long string loses its closing quote), but
	// it still shows what was wrong.
	MaxValueBytes = MaxPathBytes
)

// Log keeps the latest violations. It is safe for concurrent use.
type Log struct {
	size int

	mu   sync.Mutex
	list []Violation // oldest first
	seq  int64
}

// NewLog returns a log that keeps the latest size violations (at least
// one).
func NewLog(size int) *Log { return &Log{size: max(size, 1)} }

// add numbers vs and keeps them, dropping the oldest beyond the bound.
func (l *Log) add(vs []Violation) []string {
	ids := make([]string, len(vs))
	l.mu.Lock()
	defer l.mu.Unlock()
	for i := range vs {
		l.seq++
		vs[i].ID = "v" + strconv.FormatInt(l.seq, 10)
		ids[i] = vs[i].ID
	}
	l.list = append(l.list, vs...)
	if over := len(l.list) - l.size; over > 0 {
		l.list = slices.Delete(l.list, 0, over)
	}
	return ids
}

// List returns the violations of operation ("" for all), oldest first.
func (l *Log) List(operation string) []Violation {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []Violation
	for _, v := range l.list {
		if operation == "" || v.Operation == operation {
			out = append(out, v)
		}
	}
	return out
}

// Clear drops every violation; numbering goes on.
func (l *Log) Clear() { l.ClearAccount("") }

// ClearAccount drops the violations of account, or every one for "".
func (l *Log) ClearAccount(account string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.list = slices.DeleteFunc(l.list, func(v Violation) bool { return account == "" || v.Account == account })
}

// Reporter reports violations: the log line, the count, the Log, the mark
// on the request.
type Reporter struct {
	Log    *Log
	Logger *slog.Logger
	// Count, if not nil, counts each violation for the metrics.
	Count func(operation, direction, rule string)
}

// Answer is what a report says of the request and its answer.
type Answer struct {
	Direction string
	Operation string
	Status    int
	Account   string
	RequestID string
}

// Report reports the problems of one request or answer (at most
// MaxPerAnswer of them; the log line says how many more there were) and
// returns their ids.
func (r *Reporter) Report(c echo.Context, a Answer, problems []validation.Problem) []string {
	if len(problems) == 0 {
		return nil
	}
	req := c.Request()
	// Copies: net/http's path is a slice of the request line, and a
	// problem's value may be a slice of a large body; the log keeps both.
	path, _ := CapString(req.URL.EscapedPath(), MaxPathBytes)
	path = strings.Clone(path)
	now := time.Now().UTC()
	kept := problems[:min(len(problems), MaxPerAnswer)]
	vs := make([]Violation, len(kept))
	for i, p := range kept {
		// A value may be as long as the body it came from: the log and its
		// line keep no more of it than of a path.
		value, _ := CapString(p.Value, MaxValueBytes)
		p.Value = strings.Clone(value)
		vs[i] = Violation{
			Time: now, Direction: a.Direction, Operation: a.Operation,
			Method: req.Method, Path: path, Status: a.Status,
			Account: a.Account, RequestID: a.RequestID, Problem: p,
		}
	}
	ids := r.Log.add(vs)
	for _, v := range vs {
		r.log(c, v)
		if r.Count != nil {
			r.Count(v.Operation, v.Direction, v.Rule)
		}
	}
	if dropped := len(problems) - len(kept); dropped > 0 {
		r.Logger.Warn("contract violations not kept", "operation", a.Operation, "direction", a.Direction, "dropped", dropped, "max_per_answer", MaxPerAnswer)
	}
	mark(c, ids)
	return ids
}

// log writes v's line: what an engineer needs to change the spec, and no
// personal value.
func (r *Reporter) log(c echo.Context, v Violation) {
	attrs := []slog.Attr{
		slog.String("id", v.ID),
		slog.String("direction", v.Direction),
		slog.String("operation", v.Operation),
		slog.Int("status", v.Status),
		slog.String("location", v.Location),
	}
	if v.Name != "" {
		attrs = append(attrs, slog.String("name", v.Name))
	}
	if v.Location == validation.LocationBody {
		attrs = append(attrs, slog.String("pointer", v.Pointer))
	}
	attrs = append(attrs, slog.String("rule", v.Rule), slog.String("message", v.Message))
	switch {
	case v.Redacted:
		attrs = append(attrs, slog.Bool("redacted", true))
	case v.Value != "":
		attrs = append(attrs, slog.String("value", v.Value))
	}
	if v.RequestID != "" {
		attrs = append(attrs, slog.String("request_id", v.RequestID))
	}
	r.Logger.LogAttrs(c.Request().Context(), slog.LevelWarn, "contract violation", attrs...)
}

// markKey is where Report leaves the ids of a request's violations.
const markKey = "violations/ids"

func mark(c echo.Context, ids []string) {
	c.Set(markKey, append(Marked(c), ids...))
}

// Marked returns the ids of the violations reported for the request, for
// the journal; nil for none.
func Marked(c echo.Context) []string {
	ids, _ := c.Get(markKey).([]string)
	return ids
}

// CapString returns s cut to at most max bytes, on a rune boundary, and
// whether it was cut. The result shares s's memory: a caller that keeps it
// while s may be large clones it, so that the cut does not hold all of s.
func CapString(s string, max int) (string, bool) {
	if len(s) <= max {
		return s, false
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut], true
}
