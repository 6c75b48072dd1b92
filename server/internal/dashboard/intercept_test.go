package dashboard_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/chromedp"
)

// intercept has the browser add violations (a JSON array) to the entries
// of the journal's answers (GET /_stub/requests) whose path starts with
// prefix, until the test ends: what a stub that checks the contract of the
// traffic it sees would report.
func intercept(t *testing.T, b *browser, prefix, violations string) {
	t.Helper()
	var list []any
	if err := json.Unmarshal([]byte(violations), &list); err != nil {
		t.Fatal(err)
	}
	paused := chromedp.Events(b.ctx, fetch.RequestPaused)
	pattern := &fetch.RequestPattern{URLPattern: `*/_stub/requests\?*`, RequestStage: fetch.RequestStageResponse}
	if _, err := chromedp.Call(b.ctx, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{pattern}}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = chromedp.Call(b.ctx, fetch.Disable, struct{}{}) })
	go func() {
		for ev, err := range paused {
			if err != nil {
				return
			}
			fulfill := fetch.FulfillRequestParams{RequestID: ev.RequestID, ResponseCode: ev.ResponseStatusCode, ResponseHeaders: ev.ResponseHeaders}
			if body, err := chromedp.Call(b.ctx, fetch.GetResponseBody, fetch.GetResponseBodyParams{RequestID: ev.RequestID}); err == nil {
				fulfill.Body = withViolations(body.Body, prefix, list)
			}
			_, _ = chromedp.Call(b.ctx, fetch.FulfillRequest, fulfill)
		}
	}()
}

// withViolations adds violations to the requests of a journal whose path
// starts with prefix; anything else (an error body) it returns as it is.
func withViolations(body []byte, prefix string, violations []any) []byte {
	var journal map[string]any
	if err := json.Unmarshal(body, &journal); err != nil {
		return body
	}
	requests, _ := journal["requests"].([]any)
	for _, r := range requests {
		if entry, ok := r.(map[string]any); ok {
			if path, _ := entry["path"].(string); strings.HasPrefix(path, prefix) {
				entry["violations"] = violations
			}
		}
	}
	out, err := json.Marshal(journal)
	if err != nil {
		return body
	}
	return out
}
