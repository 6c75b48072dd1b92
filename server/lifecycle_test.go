package server_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twilio-stubs/userconversations/server"
	"github.com/twilio-stubs/userconversations/server/internal/testkit"
	"github.com/twilio-stubs/userconversations/server/internal/twilioerr"
	"github.com/twilio-stubs/userconversations/server/store"
	"github.com/twilio-stubs/userconversations/server/store/memory"
)

// newHandler is the stub on testkit.World, as an http.Handler.
func newHandler(t *testing.T, configure func(*server.Config)) http.Handler {
	t.Helper()
	st := memory.New()
	if err := st.Load(context.Background(), testkit.World()); err != nil {
		t.Fatal(err)
	}
	cfg := server.Config{Store: st, ValidateResponses: true}
	if configure != nil {
		configure(&cfg)
	}
	srv, err := server.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return srv
}

// served is an http.Server from server.NewHTTPServer run by server.Serve on
// a loopback port, as the binary runs it.
type served struct {
	addr   string
	cancel context.CancelFunc
	done   chan error // Serve's result
}

// serve starts srv; adjust, if not nil, changes it first (shorter timeouts).
// Cleanup stops it if the test did not.
func serveStub(t *testing.T, h http.Handler, grace time.Duration, adjust func(*http.Server)) *served {
	t.Helper()
	srv := server.NewHTTPServer(h)
	if adjust != nil {
		adjust(srv)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &served{addr: ln.Addr().String(), cancel: cancel, done: make(chan error, 1)}
	go func() { s.done <- server.Serve(ctx, srv, ln, grace) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-s.done:
		case <-time.After(5 * time.Second):
			t.Error("Serve did not return")
		}
	})
	return s
}

func (s *served) get(t *testing.T, path string, header http.Header) (*http.Response, []byte, error) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, "http://"+s.addr+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(testkit.AccountA, testkit.TokenA)
	for name, values := range header {
		req.Header[name] = values
	}
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 10 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp, body, err
}

// A client that sends its headers slowly is cut off once ReadHeaderTimeout
// has passed since its connection opened, however it trickles them.
func TestSlowHeadersAreCutOff(t *testing.T) {
	const timeout = 200 * time.Millisecond
	s := serveStub(t, newHandler(t, nil), time.Second, func(srv *http.Server) { srv.ReadHeaderTimeout = timeout })
	partial := "GET " + testkit.UCPath("alice", "general") + " HTTP/1.1\r\nHost: stub\r\nAuthorization: " + testkit.Basic(testkit.AccountA, testkit.TokenA) + "\r\n"
	tests := []struct {
		name  string
		write func(conn net.Conn)
	}{
		{"stops mid-headers", func(conn net.Conn) { _, _ = conn.Write([]byte(partial)) }},
		{"stops mid-request-line", func(conn net.Conn) { _, _ = conn.Write([]byte("GET /v1/Us")) }},
		{"sends nothing", func(net.Conn) {}},
		{"trickles a byte every 20ms", func(conn net.Conn) {
			go func() {
				for i := 0; i < len(partial); i++ {
					if _, err := conn.Write([]byte{partial[i]}); err != nil {
						return
					}
					time.Sleep(20 * time.Millisecond)
				}
			}()
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conn, err := net.Dial("tcp", s.addr)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			start := time.Now()
			tt.write(conn)
			_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
			got, err := io.ReadAll(conn) // until the server closes the connection
			elapsed := time.Since(start)
			var netErr net.Error
			if errors.As(err, &netErr) && netErr.Timeout() {
				t.Fatalf("still connected after %s", elapsed)
			}
			// net/http closes without a word when the time runs out between
			// header lines, and with a plain-text 400 when it runs out in
			// the middle of one; either way the connection is closed.
			if len(got) > 0 && !bytes.HasPrefix(got, []byte("HTTP/1.1 400 ")) && !bytes.HasPrefix(got, []byte("HTTP/1.1 408 ")) {
				t.Fatalf("answered %q, want nothing, a 400 or a 408", got)
			}
			if elapsed < timeout/2 || elapsed > 10*timeout {
				t.Fatalf("cut off after %s, want about %s", elapsed, timeout)
			}
		})
	}
	// Others are served all along.
	if resp, body, err := s.get(t, testkit.UCPath("alice", "general"), nil); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("after the slow clients: %v %v %s", err, resp, body)
	}
}

// A request line and headers over MaxHeaderBytes are refused by net/http
// itself, before any handler: a plain-text 431, not Twilio's JSON.
func TestOversizedHeadersAreRefused(t *testing.T) {
	s := serveStub(t, newHandler(t, nil), time.Second, nil)
	resp, _, err := s.get(t, testkit.UserPath(strings.Repeat("x", server.MaxHeaderBytes+8<<10)), nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Fatalf("status %d, want 431", resp.StatusCode)
	}
	// Long but under the limit: an ordinary 404.
	resp, body, err := s.get(t, testkit.UserPath(strings.Repeat("x", 10_000)), nil)
	if err != nil || resp.StatusCode != http.StatusNotFound {
		t.Fatalf("10,000-character identity: %v %v", err, resp)
	}
	if problem := testkit.ErrorShape(resp.StatusCode, resp.Header.Get("Content-Type"), body, ""); problem != "" {
		t.Fatal(problem)
	}
}

// blocking wraps h: requests carrying X-Block wait until release is closed.
func blocking(h http.Handler) (wrapped http.Handler, entered <-chan struct{}, release chan struct{}) {
	in := make(chan struct{}, 1)
	release = make(chan struct{})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Block") != "" {
			in <- struct{}{}
			<-release
		}
		h.ServeHTTP(w, r)
	}), in, release
}

type inFlight struct {
	resp *http.Response
	body []byte
	err  error
}

// A request in flight when Serve's context is cancelled still gets its
// answer; meanwhile no new connection is accepted; then Serve returns nil.
func TestGracefulShutdownFinishesInFlightRequest(t *testing.T) {
	h, entered, release := blocking(newHandler(t, nil))
	s := serveStub(t, h, 5*time.Second, nil)
	answered := make(chan inFlight, 1)
	go func() {
		resp, body, err := s.get(t, testkit.UCPath("alice", "general"), http.Header{"X-Block": {"1"}})
		answered <- inFlight{resp, body, err}
	}()
	select {
	case <-entered:
	case <-time.After(5 * time.Second):
		t.Fatal("the request never reached the handler")
	}
	s.cancel()
	// Shutdown closes the listener at once but waits for the request.
	deadline := time.Now().Add(2 * time.Second)
	for {
		conn, err := net.DialTimeout("tcp", s.addr, 100*time.Millisecond)
		if err != nil {
			break
		}
		conn.Close()
		if time.Now().After(deadline) {
			close(release)
			t.Fatal("still accepting connections while shutting down")
		}
		time.Sleep(10 * time.Millisecond)
	}
	select {
	case err := <-s.done:
		close(release)
		t.Fatalf("Serve returned %v with a request in flight", err)
	case <-time.After(100 * time.Millisecond):
	}
	close(release)
	r := <-answered
	if r.err != nil {
		t.Fatalf("in-flight request: %v", r.err)
	}
	(testkit.Response{Status: r.resp.StatusCode, Header: r.resp.Header, Body: r.body}).UserConversation(t)
	select {
	case err := <-s.done:
		if err != nil {
			t.Fatalf("Serve returned %v, want nil", err)
		}
		s.done <- err // for Cleanup
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return after the last request")
	}
}

// A request that outlives the grace period is cut: Serve closes its
// connection and says so.
func TestShutdownGraceExpires(t *testing.T) {
	h, entered, release := blocking(newHandler(t, nil))
	s := serveStub(t, h, 100*time.Millisecond, nil)
	answered := make(chan inFlight, 1)
	go func() {
		resp, body, err := s.get(t, testkit.UCPath("alice", "general"), http.Header{"X-Block": {"1"}})
		answered <- inFlight{resp, body, err}
	}()
	<-entered
	start := time.Now()
	s.cancel()
	select {
	case err := <-s.done:
		if !errors.Is(err, server.ErrRequestsCut) {
			t.Errorf("Serve returned %v, want server.ErrRequestsCut", err)
		}
		if elapsed := time.Since(start); elapsed > 2*time.Second {
			t.Errorf("Serve returned after %s, the grace is 100ms", elapsed)
		}
		s.done <- err // for Cleanup
	case <-time.After(5 * time.Second):
		t.Error("Serve waited past its grace")
	}
	close(release)
	if a := <-answered; a.err == nil {
		t.Errorf("the request outliving the grace was answered %d", a.resp.StatusCode)
	}
}

func TestServeReportsListenerFailure(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln.Close()
	err = server.Serve(context.Background(), server.NewHTTPServer(http.NotFoundHandler()), ln, time.Second)
	if err == nil || errors.Is(err, http.ErrServerClosed) {
		t.Fatalf("Serve on a closed listener returned %v", err)
	}
}

// panickyStore panics with value when asked for the conversation (or list
// of the user, or credentials of the user name) boomRef, and fails with an
// error that names a source path for the conversation "fails".
type panickyStore struct {
	*memory.Store
	value any // what to panic with
}

const boomRef = "boom"

func (p panickyStore) FetchUserConversation(ctx context.Context, sc store.Scope, user, conv string) (store.UserConversation, error) {
	if conv == boomRef {
		panic(p.value)
	}
	return p.Store.FetchUserConversation(ctx, sc, user, conv)
}

func (p panickyStore) ListUserConversations(ctx context.Context, sc store.Scope, user string, q store.ListQuery) (store.Page, error) {
	if user == boomRef {
		panic(p.value)
	}
	return p.Store.ListUserConversations(ctx, sc, user, q)
}

func (p panickyStore) UpdateUserConversation(ctx context.Context, sc store.Scope, user, conv string, u store.Update) (store.UserConversation, error) {
	if conv == boomRef {
		panic(p.value)
	}
	return p.Store.UpdateUserConversation(ctx, sc, user, conv, u)
}

func (p panickyStore) RemoveUserConversation(ctx context.Context, sc store.Scope, user, conv string) error {
	if conv == boomRef {
		panic(p.value)
	}
	if conv == "fails" {
		return fmt.Errorf("disk at /root/data/store.go:17 is on fire")
	}
	return p.Store.RemoveUserConversation(ctx, sc, user, conv)
}

func (p panickyStore) Authenticate(ctx context.Context, username, password string) (string, error) {
	if username == boomRef {
		panic(p.value)
	}
	return p.Store.Authenticate(ctx, username, password)
}

// A panic anywhere (store, authentication; any operation; with or without
// testkit.Response validation, which production runs without) becomes Twilio's 500,
// with the stack in the log and not in the body, and the server goes on,
// also while other requests run. TestOffContractResponseIsA500 covers a
// panicking fetch with testkit.Response validation on.
func TestPanicsBecomeTwilio500s(t *testing.T) {
	for _, validate := range []bool{false, true} {
		for _, value := range []any{"exploded at /home/secret/store.go:42", errors.New("exploded at /root/x.go:1"), 42} {
			t.Run(fmt.Sprintf("validate=%v/%T", validate, value), func(t *testing.T) {
				var logs testkit.LogBuffer
				st := memory.New()
				if err := st.Load(context.Background(), testkit.World()); err != nil {
					t.Fatal(err)
				}
				srv, err := server.New(server.Config{
					Store: panickyStore{Store: st, value: value}, ValidateResponses: validate,
					Logger: slog.New(slog.NewTextHandler(&logs, nil)),
				})
				if err != nil {
					t.Fatal(err)
				}
				ts := httptest.NewServer(srv)
				t.Cleanup(ts.Close)
				s := &testkit.Stub{T: t, URL: ts.URL, Store: st}
				form := url.Values{"NotificationLevel": {"muted"}}
				panics := []testkit.Call{
					{Method: http.MethodGet, Path: testkit.UCPath("alice", boomRef)},
					{Method: http.MethodGet, Path: testkit.UserPath(boomRef)},
					{Method: http.MethodPost, Path: testkit.UCPath("alice", boomRef), ContentType: "application/x-www-form-urlencoded", Body: strings.NewReader(form.Encode())},
					{Method: http.MethodDelete, Path: testkit.UCPath("alice", boomRef)},
					{Method: http.MethodGet, Path: testkit.UCPath("alice", "general"), Header: testkit.AuthHeader(testkit.Basic(boomRef, "x"))},
					{Method: http.MethodDelete, Path: testkit.UCPath("alice", "fails")}, // an error, not a panic
				}
				for _, c := range panics {
					msg := s.Send(c).StrictError(t, http.StatusInternalServerError, twilioerr.CodeInternal)
					if msg != "Internal Server Error" {
						t.Errorf("%s %s: message %q", c.Method, c.Path, msg)
					}
					s.Request(http.MethodGet, testkit.UCPath("alice", "general"), nil).UserConversation(t)
				}
				if log := logs.String(); !strings.Contains(log, "panic") || !strings.Contains(log, "goroutine") {
					t.Errorf("the log lacks the panic and its stack:\n%s", log)
				}

				// Panics among ordinary requests, at once.
				var wg sync.WaitGroup
				errs := make(chan error, 64)
				for w := range 8 {
					wg.Go(func() {
						for i := range 8 {
							path, want := testkit.UCPath("alice", "general"), http.StatusOK
							if (w+i)%2 == 0 {
								path, want = testkit.UCPath("alice", boomRef), http.StatusInternalServerError
							}
							req, _ := http.NewRequest(http.MethodGet, ts.URL+path, nil)
							req.SetBasicAuth(testkit.AccountA, testkit.TokenA)
							resp, err := ts.Client().Do(req)
							if err != nil {
								errs <- err
								return
							}
							body, _ := io.ReadAll(resp.Body)
							resp.Body.Close()
							if resp.StatusCode != want || testkit.Leaks(body, "") != "" {
								errs <- fmt.Errorf("%s: %d %s", path, resp.StatusCode, body)
								return
							}
						}
					})
				}
				wg.Wait()
				close(errs)
				for err := range errs {
					t.Error(err)
				}
			})
		}
	}
}

// http.ErrAbortHandler is net/http's way to abort a response: the client
// sees the connection drop, not a 500, and the server goes on.
func TestAbortHandlerPanicDropsTheConnection(t *testing.T) {
	st := memory.New()
	if err := st.Load(context.Background(), testkit.World()); err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(server.Config{Store: panickyStore{Store: st, value: http.ErrAbortHandler}, ValidateResponses: true})
	if err != nil {
		t.Fatal(err)
	}
	s := serveStub(t, srv, time.Second, nil)
	conn, err := net.Dial("tcp", s.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: stub\r\nAuthorization: %s\r\n\r\n", testkit.UCPath("alice", boomRef), testkit.Basic(testkit.AccountA, testkit.TokenA))
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	if resp, err := http.ReadResponse(bufio.NewReader(conn), nil); err == nil {
		t.Fatalf("aborted request answered %d", resp.StatusCode)
	}
	if resp, body, err := s.get(t, testkit.UCPath("alice", "general"), nil); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("after the abort: %v %v %s", err, resp, body)
	}
}

// A state write is applied only while its client is there to get the
// answer: a request whose context has ended (the client went away during
// a long upload or parse) changes nothing.
func TestStateWriteOfAGoneClientIsNotApplied(t *testing.T) {
	st := memory.New()
	if err := st.Load(context.Background(), testkit.World()); err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(server.Config{Store: st, AdminToken: "gone-client-token"})
	if err != nil {
		t.Fatal(err)
	}
	doc := `{"accounts":[{"sid":"AC00000000000000000000000000000001","auth_token":"x","services":[{}]}]}`
	for _, target := range []string{"PUT /_stub/state", "POST /_stub/state", "POST /_stub/reset"} {
		method, path, _ := strings.Cut(target, " ")
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		req := httptest.NewRequestWithContext(ctx, method, path, strings.NewReader(doc))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer gone-client-token")
		if err := st.Modify(context.Background(), func(w store.World) (store.World, error) {
			w.Accounts[0].AuthToken = "changedSinceStart" // so that a reset would show
			return w, nil
		}); err != nil {
			t.Fatal(err)
		}
		before, _ := st.Snapshot(context.Background())
		srv.ServeHTTP(httptest.NewRecorder(), req)
		after, _ := st.Snapshot(context.Background())
		if !reflect.DeepEqual(before, after) {
			t.Errorf("%s of a gone client changed the state", target)
		}
	}
}
