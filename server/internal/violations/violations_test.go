package violations_test

import (
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/twilio-stubs/userconversations/server/internal/testkit"
	"github.com/twilio-stubs/userconversations/server/internal/validation"
	"github.com/twilio-stubs/userconversations/server/internal/violations"
)

func newContext() echo.Context {
	return echo.New().NewContext(httptest.NewRequest("GET", "/v1/Users/alice/Conversations", nil), httptest.NewRecorder())
}

// The log keeps the latest violations, numbered across clears; one answer
// adds at most MaxPerAnswer; the request is marked with their ids.
func TestReportKeepsAndMarks(t *testing.T) {
	logs := &testkit.LogBuffer{}
	counted := 0
	r := &violations.Reporter{Log: violations.NewLog(3), Logger: logs.Logger(), Count: func(op, dir, rule string) { counted++ }}
	c := newContext()
	many := make([]validation.Problem, violations.MaxPerAnswer+5)
	for i := range many {
		many[i] = validation.Problem{Location: "body", Pointer: "/conversations/0/x", Rule: "type", Message: "wrong"}
	}
	a := violations.Answer{Direction: violations.Response, Operation: "ListUserConversation", Account: "AC1", Status: 200}
	ids := r.Report(c, a, many)
	if len(ids) != violations.MaxPerAnswer || counted != violations.MaxPerAnswer || !strings.Contains(logs.String(), "dropped=5") {
		t.Fatalf("%d ids, %d counted; log:\n%s", len(ids), counted, logs.String())
	}
	if got := r.Log.List(""); len(got) != 3 || got[2].ID != ids[len(ids)-1] {
		t.Fatalf("kept %d, want the latest 3", len(got))
	}
	r.Report(c, violations.Answer{Direction: violations.Request, Operation: "FetchUserConversation", Account: "AC2", Status: 400},
		[]validation.Problem{{Location: "query", Name: "PageSize", Rule: "maximum", Value: "5000"}})
	if marked := violations.Marked(c); len(marked) != violations.MaxPerAnswer+1 {
		t.Fatalf("marked %d ids", len(marked))
	}
	if got := r.Log.List("FetchUserConversation"); len(got) != 1 || got[0].Name != "PageSize" {
		t.Fatalf("filtered: %+v", got)
	}
	r.Log.ClearAccount("AC1")
	if got := r.Log.List(""); len(got) != 1 || got[0].Account != "AC2" {
		t.Fatalf("after clearing AC1: %+v", got)
	}
	r.Log.Clear()
	next := r.Report(newContext(), a, many[:1])
	if len(r.Log.List("")) != 1 || next[0] != "v102" {
		t.Fatalf("after Clear: %v", next)
	}
	if violations.Marked(newContext()) != nil {
		t.Fatal("a fresh request is marked")
	}
}

// A withheld value is said to be withheld, and not logged.
func TestReportLogsNoWithheldValue(t *testing.T) {
	logs := &testkit.LogBuffer{}
	r := &violations.Reporter{Log: violations.NewLog(10), Logger: logs.Logger()}
	r.Report(newContext(), violations.Answer{Direction: violations.Response, Operation: "FetchUserConversation"},
		[]validation.Problem{{Location: "body", Pointer: "/friendly_name", Rule: "type", Value: "alice@example.com", Redacted: true}})
	if line := logs.String(); !strings.Contains(line, "redacted=true") || strings.Contains(line, "value=") || strings.Contains(line, "alice@example.com") {
		t.Fatalf("log: %s", line)
	}
}

// A huge value is kept, and logged, no longer than MaxValueBytes: an
// upstream's bad answer may be megabytes long.
func TestReportCapsTheValue(t *testing.T) {
	logs := &testkit.LogBuffer{}
	r := &violations.Reporter{Log: violations.NewLog(10), Logger: logs.Logger()}
	huge := `"` + strings.Repeat("é", 1<<19) + `"` // 1 MB and 2 bytes; é is 2 bytes
	r.Report(newContext(), violations.Answer{Direction: violations.Response, Operation: "FetchUserConversation"},
		[]validation.Problem{{Location: "body", Pointer: "/friendly_name", Rule: "maxLength", Value: huge}})
	got := r.Log.List("")
	if len(got) != 1 {
		t.Fatalf("kept %d violations", len(got))
	}
	if v := got[0].Value; len(v) > violations.MaxValueBytes || len(v) < violations.MaxValueBytes-1 || !strings.HasPrefix(huge, v) || !utf8.ValidString(v) {
		t.Fatalf("kept a value of %d bytes, want a valid prefix of at most %d", len(v), violations.MaxValueBytes)
	}
	if n := len(logs.String()); n > 2*violations.MaxValueBytes+1024 {
		t.Fatalf("logged %d bytes", n)
	}
}

// CapString cuts on a rune boundary, and says whether it cut.
func TestCapString(t *testing.T) {
	for _, tc := range []struct {
		s, want string
		max     int
		cut     bool
	}{
		{"abc", "abc", 3, false},
		{"abcd", "abc", 3, true},
		{"aé", "a", 2, true}, // é is 2 bytes: cutting inside it drops it
		{"é", "", 1, true},
		{"", "", 0, false},
	} {
		if got, cut := violations.CapString(tc.s, tc.max); got != tc.want || cut != tc.cut {
			t.Errorf("CapString(%q, %d) = %q, %v; want %q, %v", tc.s, tc.max, got, cut, tc.want, tc.cut)
		}
	}
}
