package dashboard_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/chromedp"
)

// intercept has the browser do, until the test ends, what a stub in proxy
// mode does when the traffic breaks the contract: mark journal entries
// (GET /_stub/requests) with the ids of their violations, here those whose
// path starts with one of marks' prefixes, and list the violations at GET
// /_stub/violations, here as violations (a JSON ViolationList), whatever
// the stub itself answers there.
func intercept(t *testing.T, b *browser, marks map[string][]string, violations string) {
	t.Helper()
	var list struct {
		Violations []map[string]any `json:"violations"`
	}
	if err := json.Unmarshal([]byte(violations), &list); err != nil {
		t.Fatal(err)
	}
	paused := chromedp.Events(b.ctx, fetch.RequestPaused)
	patterns := []*fetch.RequestPattern{
		{URLPattern: `*/_stub/requests\?*`, RequestStage: fetch.RequestStageResponse},
		{URLPattern: `*/_stub/violations*`, RequestStage: fetch.RequestStageResponse},
	}
	if _, err := chromedp.Call(b.ctx, fetch.Enable, fetch.EnableParams{Patterns: patterns}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = chromedp.Call(b.ctx, fetch.Disable, struct{}{}) })
	go func() {
		for ev, err := range paused {
			if err != nil {
				return
			}
			fulfill := fetch.FulfillRequestParams{RequestID: ev.RequestID, ResponseCode: ev.ResponseStatusCode, ResponseHeaders: ev.ResponseHeaders}
			if strings.Contains(ev.Request.URL, "/_stub/violations") {
				fulfill.ResponseCode = 200
				fulfill.ResponseHeaders = []*fetch.HeaderEntry{{Name: "Content-Type", Value: "application/json"}}
				fulfill.Body = []byte(violations)
			} else if body, err := chromedp.Call(b.ctx, fetch.GetResponseBody, fetch.GetResponseBodyParams{RequestID: ev.RequestID}); err == nil {
				fulfill.Body = withViolations(body.Body, marks)
			}
			_, _ = chromedp.Call(b.ctx, fetch.FulfillRequest, fulfill)
		}
	}()
}

// withViolations marks the requests of a journal whose path starts with a
// prefix of marks with its violation ids; anything else (an error body) it
// returns as it is.
func withViolations(body []byte, marks map[string][]string) []byte {
	var journal map[string]any
	if err := json.Unmarshal(body, &journal); err != nil {
		return body
	}
	requests, _ := journal["requests"].([]any)
	for _, r := range requests {
		if entry, ok := r.(map[string]any); ok {
			path, _ := entry["path"].(string)
			for prefix, ids := range marks {
				if strings.HasPrefix(path, prefix) {
					entry["violations"] = ids
				}
			}
		}
	}
	out, err := json.Marshal(journal)
	if err != nil {
		return body
	}
	return out
}
