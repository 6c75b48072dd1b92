package server_test

// Helpers shared by the bad-input, fuzz, concurrency, lifecycle and security
// tests: requests with arbitrary headers, and strict checks of Twilio's
// error body.

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/twilio-stubs/userconversations/server/store"
)

// call is one request for stub.send.
type call struct {
	method, path string
	contentType  string    // sent when not empty
	body         io.Reader // nil: no body
	// header is sent as is; an Authorization in it replaces account A's
	// credentials.
	header http.Header
	host   string // the Host header, when not empty
	noAuth bool   // send no credentials at all
}

// send is stub.raw with full control over the headers.
func (s *stub) send(c call) response {
	s.t.Helper()
	req, err := http.NewRequest(c.method, s.url+c.path, c.body)
	if err != nil {
		s.t.Fatal(err)
	}
	if c.contentType != "" {
		req.Header.Set("Content-Type", c.contentType)
	}
	if !c.noAuth {
		req.SetBasicAuth(accountA, tokenA)
	}
	for name, values := range c.header {
		req.Header[http.CanonicalHeaderKey(name)] = values
	}
	if c.host != "" {
		req.Host = c.host
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		s.t.Fatal(err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: data}
}

func basic(user, password string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+password))
}

func authHeader(value string) http.Header { return http.Header{"Authorization": {value}} }

// leakMarkers are what a stack trace or a source path looks like; no
// response body may contain one.
var leakMarkers = []string{"goroutine", ".go:", "/root/", "/home/", "runtime/debug", "panic("}

// leaks returns the first marker in body; markers in echoed (the request
// target, which a 404 message repeats) do not count.
func leaks(body []byte, echoed string) string {
	for _, marker := range leakMarkers {
		if bytes.Contains(body, []byte(marker)) && !strings.Contains(echoed, marker) {
			return marker
		}
	}
	return ""
}

// errorShape checks body is exactly Twilio's error JSON for status: the four
// required members with the right types and values, optionally detail, and
// nothing else. echoed is the request target. It returns what is wrong, or
// "".
func errorShape(status int, contentType string, body []byte, echoed string) string {
	if !strings.HasPrefix(contentType, "application/json") {
		return fmt.Sprintf("error with Content-Type %q", contentType)
	}
	var e map[string]any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&e); err != nil {
		return fmt.Sprintf("error body is not a JSON object: %v", err)
	}
	if dec.More() {
		return "error body has data after the JSON object"
	}
	for name := range e {
		switch name {
		case "code", "message", "more_info", "status", "detail":
		default:
			return fmt.Sprintf("error body has an unexpected member %q", name)
		}
	}
	code, err := numberOf(e["code"])
	if err != nil {
		return "code: " + err.Error()
	}
	gotStatus, err := numberOf(e["status"])
	if err != nil {
		return "status: " + err.Error()
	}
	if gotStatus != int64(status) {
		return fmt.Sprintf("status member %d, HTTP status %d", gotStatus, status)
	}
	if code < 20000 || code > 99999 {
		return fmt.Sprintf("code %d is not a Twilio error code", code)
	}
	if e["more_info"] != fmt.Sprintf("https://www.twilio.com/docs/errors/%d", code) {
		return fmt.Sprintf("more_info %v does not match code %d", e["more_info"], code)
	}
	if msg, ok := e["message"].(string); !ok || msg == "" {
		return "message missing or not a string"
	}
	if detail, ok := e["detail"]; ok {
		if _, ok := detail.(string); !ok {
			return "detail is not a string"
		}
	}
	if marker := leaks(body, echoed); marker != "" {
		return fmt.Sprintf("error body leaks internals (%q)", marker)
	}
	return ""
}

func numberOf(v any) (int64, error) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, fmt.Errorf("%v is not a number", v)
	}
	return n.Int64()
}

// strictError is twilioError plus errorShape.
func (r response) strictError(t *testing.T, status, code int) string {
	t.Helper()
	msg := r.twilioError(t, status, code)
	if problem := errorShape(r.status, r.header.Get("Content-Type"), r.body, ""); problem != "" {
		t.Fatalf("%s: %s", problem, r.body)
	}
	return msg
}

func (s *stub) snapshot(t *testing.T) store.World {
	t.Helper()
	w, err := s.store.Snapshot(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return w
}
