package admin

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/twilio-stubs/userconversations/server/internal/routes"
)

// The path parameters of the Twilio API's operations, by their names in
// api/openapi.yaml. A fault selects requests by them.
const (
	paramService      = "ChatServiceSid"
	paramUser         = "UserSid"
	paramConversation = "ConversationSid"
)

// InjectFaults applies the faults to Twilio API requests. It must come
// after authentication and request validation, so that the account and the
// operation are known and only valid requests are disturbed, and before
// anything that holds the response (response validation), so that a
// connection can be dropped and an injected status the Twilio spec does not
// list is not taken for a broken contract.
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
		f, ok, err := a.faults.Take(c.Request().Context(), Request{
			Account:      a.account(c),
			Operation:    operation,
			Service:      pathParam(c, paramService),
			User:         pathParam(c, paramUser),
			Conversation: pathParam(c, paramConversation),
		})
		if err != nil {
			return err
		}
		if !ok {
			return next(c)
		}
		c.Set(faultKey, f.ID)
		a.faultApplied(operation, f.action())
		if d := f.delay(); d > 0 {
			if err := sleep(c.Request().Context(), d); err != nil {
				// The client left: nobody is there to answer.
				return a.abandon(c, false)
			}
		}
		switch {
		case f.Drop:
			return a.abandon(c, false)
		case f.Reset:
			return a.abandon(c, true)
		case f.Body == BodyMalformed:
			return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, malformedJSON)
		case f.Body == BodyTruncated:
			return a.truncate(c, next)
		case f.Status != 0:
			return f.answer()
		}
		return next(c)
	}
}

// malformedJSON is the body of a BodyMalformed answer: the start of a user
// conversation, broken off.
var malformedJSON = []byte(`{"account_sid": "AC`)

// pathParam returns the path parameter name, percent-decoded; "" when the
// route has none.
func pathParam(c echo.Context, name string) string {
	raw := c.Param(name)
	if v, err := url.PathUnescape(raw); err == nil {
		return v
	}
	return raw
}

// PathParams returns the request's path parameters by name,
// percent-decoded.
func PathParams(c echo.Context) map[string]string {
	names := c.ParamNames()
	out := make(map[string]string, len(names))
	for _, name := range names {
		out[strings.Clone(name)] = strings.Clone(pathParam(c, name))
	}
	return out
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

// abandon closes the request's connection without answering; with reset,
// it resets it (a TCP RST), so the client reads "connection reset by
// peer". Where the connection cannot be taken over (HTTP/2), the response
// is aborted instead, which resets the stream.
func (a *Admin) abandon(c echo.Context, reset bool) error {
	c.Set(noAnswerKey, true)
	a.unrecorded.answering(c)
	conn, err := hijack(c)
	if err != nil {
		return err
	}
	if reset {
		resetOnClose(conn)
	}
	_ = conn.Close()
	// Nothing may be written any more; the log shows no status.
	c.Response().Committed = true
	c.Response().Status = 0
	return nil
}

// hijack takes the request's connection over from net/http.
func hijack(c echo.Context) (net.Conn, error) {
	conn, _, err := http.NewResponseController(c.Response()).Hijack()
	if err != nil {
		if errors.Is(err, http.ErrNotSupported) {
			panic(http.ErrAbortHandler)
		}
		return nil, fmt.Errorf("admin: taking the connection over: %w", err)
	}
	return conn, nil
}

// resetOnClose makes closing conn send a TCP RST rather than a FIN.
func resetOnClose(conn net.Conn) {
	for {
		switch c := conn.(type) {
		case *net.TCPConn:
			_ = c.SetLinger(0)
			return
		case interface{ NetConn() net.Conn }: // *tls.Conn
			conn = c.NetConn()
		default:
			return
		}
	}
}

// truncate sends the real answer, status and headers included, cut after
// half its body, then closes the connection: the client reads a
// Content-Length it never gets.
func (a *Admin) truncate(c echo.Context, next echo.HandlerFunc) error {
	res := c.Response()
	original := res.Writer
	// The headers set so far (Twilio-Request-Id, say) are part of the answer.
	rec := &recorder{header: original.Header().Clone(), under: original}
	res.Writer = rec
	err := next(c)
	if err != nil && !res.Committed {
		c.Error(err)
	}
	res.Writer = original
	a.unrecorded.answering(c)
	status := rec.status
	if status == 0 {
		status = http.StatusOK
	}
	conn, err := hijack(c)
	if err != nil {
		return err
	}
	defer conn.Close()
	if a.stamp != nil {
		a.stamp(c, rec.header)
	}
	rec.header.Set("Content-Length", strconv.Itoa(rec.body.Len()))
	rec.header.Set("Date", time.Now().UTC().Format(http.TimeFormat))
	rec.header.Set("Connection", "close")
	var head bytes.Buffer
	fmt.Fprintf(&head, "HTTP/1.1 %d %s\r\n", status, http.StatusText(status))
	_ = rec.header.Write(&head)
	head.WriteString("\r\n")
	head.Write(rec.body.Bytes()[:rec.body.Len()/2])
	_ = conn.SetWriteDeadline(time.Now().Add(10 * time.Second))
	_, _ = conn.Write(head.Bytes())
	res.Committed, res.Status = true, status
	return nil
}

// recorder is the http.ResponseWriter a truncated answer is written to
// before it is sent.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
	under  http.ResponseWriter // the connection's, which gets half the body
}

// Unwrap is the writer beneath, through which the middleware find what
// they keep of the request.
func (r *recorder) Unwrap() http.ResponseWriter { return r.under }

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
}

func (r *recorder) Write(p []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.body.Write(p)
}
