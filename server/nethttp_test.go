package server_test

import (
	"bufio"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/twilio-stubs/userconversations/server"
	"github.com/twilio-stubs/userconversations/server/internal/testkit"
)

// Some requests never reach the stub: Go's HTTP server answers them itself,
// in plain text, not Twilio's JSON. docs/operating.md lists these answers;
// this test holds the list to what the server does.
func TestAnswersGoGivesBeforeTheStub(t *testing.T) {
	h := testkit.NewStubWith(t, testkit.World(), nil) // a world for the harness; the handler below is the stub's
	_ = h
	st := testkit.NewStub(t).Store
	srv, err := server.New(server.Config{Store: st})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := server.NewHTTPServer(srv)
	go func() { _ = hs.Serve(ln) }()
	t.Cleanup(func() { _ = hs.Close() })

	doc, err := os.ReadFile("../docs/operating.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name, request, status string
	}{
		{"a malformed request line", "GARBAGE\r\n\r\n", "HTTP/1.1 400 Bad Request"},
		{"HTTP/1.1 without Host", "GET /v1/Users/alice/Conversations HTTP/1.1\r\n\r\n", "HTTP/1.1 400 Bad Request: missing required Host header"},
		{"a malformed Host", "GET /v1/Users/alice/Conversations HTTP/1.1\r\nHost: a b\r\n\r\n", "HTTP/1.1 400 Bad Request: malformed Host header"},
		{"an unknown HTTP version", "GET /v1/Users/alice/Conversations HTTP/9.9\r\nHost: x\r\n\r\n", "HTTP/1.1 505 HTTP Version Not Supported: unsupported protocol version"},
		{"a malformed header name", "GET /v1/Users/alice/Conversations HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n", "HTTP/1.1 400 Bad Request: invalid header name"},
		{"an unknown Expect", "POST /v1/Users/alice/Conversations/general HTTP/1.1\r\nHost: x\r\nExpect: magic\r\nContent-Length: 1\r\n\r\nx", "HTTP/1.1 417 Expectation Failed"},
		{"headers over 65,536 bytes", "GET /v1/Users/alice/Conversations HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("a", 70_000) + "\r\n\r\n", "HTTP/1.1 431 Request Header Fields Too Large"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			conn, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
			if _, err := conn.Write([]byte(tt.request)); err != nil {
				t.Fatal(err)
			}
			resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if got := resp.Proto + " " + resp.Status; got != tt.status {
				t.Errorf("%q, want %q", got, tt.status)
			}
			if !strings.Contains(string(doc), "`"+strings.TrimPrefix(tt.status, "HTTP/1.1 ")+"`") {
				t.Errorf("docs/operating.md does not list %q", tt.status)
			}
			if ct := resp.Header.Get("Content-Type"); strings.Contains(ct, "json") {
				t.Errorf("Content-Type %q: did the stub answer after all?", ct)
			}
		})
	}
}
