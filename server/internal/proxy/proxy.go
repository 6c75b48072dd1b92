// Package proxy is the Twilio API's handlers in proxy mode (--upstream).
// Each request, validated against the spec by the chain before it, goes to
// the upstream (https://conversations.twilio.com, or another stub) with the
// caller's credentials untouched. The upstream's answer is checked against
// the spec, every problem of it reported (package violations), and
// returned as the upstream sent it (status, headers, body), but for its
// absolute URLs, which point at the stub instead so that paging goes on
// through it. What the answers show of the world is recorded (package
// recording).
//
// The upstream failing is Twilio's error JSON, never a hang: 504 when it
// does not answer within the timeout, 502 when it cannot be reached,
// answers a 5xx, or (Config.Strict) answers off the spec.
package proxy

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/twilio-stubs/userconversations/server/internal/httpmw"
	"github.com/twilio-stubs/userconversations/server/internal/recording"
	"github.com/twilio-stubs/userconversations/server/internal/routes"
	"github.com/twilio-stubs/userconversations/server/internal/twilioerr"
	"github.com/twilio-stubs/userconversations/server/internal/validation"
	"github.com/twilio-stubs/userconversations/server/internal/violations"
)

// Bounds of one upstream exchange. The timeout stays well inside the
// stub's 60 s write timeout, so that a 504 is still sent; the body bound
// holds a page of 1,000 user conversations several times over.
const (
	DefaultTimeout = 30 * time.Second
	MaxTimeout     = 50 * time.Second
	MaxBodyBytes   = 16 << 20
)

// Config configures a Proxy. Upstream, Routes and Reporter are required.
type Config struct {
	// Upstream is the base URL requests go to: scheme://host[:port], with
	// an optional path prefix.
	Upstream string
	// Timeout bounds each exchange with the upstream, the answer's body
	// included; 0 means DefaultTimeout.
	Timeout time.Duration
	// PublicURL is the scheme://host[:port] the upstream's absolute URLs
	// are rewritten to; empty means the scheme and Host of each request.
	PublicURL string
	// Strict answers 502 instead of passing an off-contract answer on.
	Strict bool
	// Routes is the Twilio API's route table: the operation a request is
	// for, and its spec to check the answer against.
	Routes *routes.Table
	// Reporter reports what breaks the spec.
	Reporter *violations.Reporter
	// Recorder, if not nil, records what the answers show.
	Recorder *recording.Recorder
	// Transport carries the upstream requests; nil means a clone of
	// http.DefaultTransport (which honours HTTPS_PROXY).
	Transport http.RoundTripper
}

// Proxy forwards the Twilio API to the upstream. It is safe for concurrent
// use.
type Proxy struct {
	upstream string // no trailing slash
	timeout  time.Duration
	base     *httpmw.BaseURL // where the stub's absolute URLs start
	strict   bool
	routes   *routes.Table
	reporter *violations.Reporter
	recorder *recording.Recorder
	client   *http.Client
}

// ParseUpstream checks an upstream URL: absolute http or https, a host,
// no credentials (they would show in logs and errors), query or fragment.
// It returns the URL without a trailing slash.
func ParseUpstream(raw string) (string, error) {
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return "", err
	case u.Scheme != "http" && u.Scheme != "https":
		return "", errors.New("must start with http:// or https://")
	case u.Host == "":
		return "", errors.New("must name a host")
	case u.User != nil:
		return "", errors.New("must not hold credentials: the callers' own go upstream")
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		return "", errors.New("must not have a query or fragment")
	}
	return strings.TrimSuffix(u.String(), "/"), nil
}

// New returns a Proxy for cfg.
func New(cfg Config) (*Proxy, error) {
	if cfg.Routes == nil || cfg.Reporter == nil {
		return nil, errors.New("proxy: Config.Routes and Config.Reporter are required")
	}
	upstream, err := ParseUpstream(cfg.Upstream)
	if err != nil {
		// Not the URL itself: it may hold credentials.
		return nil, fmt.Errorf("proxy: upstream: %w", err)
	}
	timeout := cfg.Timeout
	if timeout == 0 {
		timeout = DefaultTimeout
	}
	if timeout < 0 || timeout > MaxTimeout {
		return nil, fmt.Errorf("proxy: timeout %v: must be above 0 and at most %v", timeout, MaxTimeout)
	}
	transport := cfg.Transport
	if transport == nil {
		transport = http.DefaultTransport.(*http.Transport).Clone()
	}
	return &Proxy{
		upstream: upstream,
		timeout:  timeout,
		base:     httpmw.NewBaseURL(cfg.PublicURL),
		strict:   cfg.Strict,
		routes:   cfg.Routes,
		reporter: cfg.Reporter,
		recorder: cfg.Recorder,
		client: &http.Client{
			Transport: transport,
			// A redirect is an answer like any other: passed on, checked.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
	}, nil
}

// bodyKey is where KeepBody leaves the request body, for forwarding.
const bodyKey = "proxy/body"

// KeepBody is the step that keeps the body of the operations that take one
// (the updates), for forwarding as the caller sent it: request validation,
// after it, parses the form and consumes the body. It reads no more than
// the body limit before it lets through.
func (p *Proxy) KeepBody() routes.Step {
	return func(route *routes.Route) echo.MiddlewareFunc {
		if route == nil || route.NotAllowed() || len(route.MediaTypes) == 0 {
			return nil
		}
		return func(next echo.HandlerFunc) echo.HandlerFunc {
			return func(c echo.Context) error {
				req := c.Request()
				if req.Body == nil || req.Body == http.NoBody {
					return next(c)
				}
				data, err := io.ReadAll(req.Body)
				if err != nil {
					return err // the body limit's 413, say
				}
				c.Set(bodyKey, data)
				req.Body = io.NopCloser(bytes.NewReader(data))
				return next(c)
			}
		}
	}
}

// forward sends the request upstream and answers with what comes back.
func (p *Proxy) forward(c echo.Context, rec recording.Request) error {
	req := c.Request()
	route := p.routes.Lookup(req.Method, c.Path())
	if route == nil || route.NotAllowed() {
		return echo.ErrNotFound // RegisterHandlers registers the spec's operations only
	}
	base, err := p.base.Of(c)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(req.Context(), p.timeout)
	defer cancel()
	resp, body, err := p.exchange(ctx, c)
	if err != nil {
		return p.failed(req.Context(), ctx, err)
	}
	problems := validation.ResponseProblems(route, resp.StatusCode, resp.Header, body)
	p.reporter.Report(c, violations.Answer{
		Direction: violations.Response,
		Operation: route.OperationID,
		Status:    resp.StatusCode,
		Account:   httpmw.Account(c),
		RequestID: resp.Header.Get(httpmw.HeaderRequestID),
	}, problems)
	switch {
	case p.strict && len(problems) > 0:
		return offContract(route, resp.StatusCode, problems)
	case resp.StatusCode >= http.StatusInternalServerError:
		return p.upstreamError(resp, body)
	}
	if p.recorder != nil {
		rec.Username, _, _ = req.BasicAuth()
		p.record(rec, route, resp.StatusCode, body, problems)
	}
	return relay(c, resp, rewriteURLs(body, resp.Header.Get(echo.HeaderContentType), p.upstream, base))
}

// exchange sends the request upstream and reads the whole answer, up to
// MaxBodyBytes.
func (p *Proxy) exchange(ctx context.Context, c echo.Context) (*http.Response, []byte, error) {
	req := c.Request()
	target := p.upstream + req.URL.EscapedPath()
	if req.URL.RawQuery != "" {
		target += "?" + req.URL.RawQuery
	}
	var body io.Reader
	if kept, _ := c.Get(bodyKey).([]byte); len(kept) > 0 {
		body = bytes.NewReader(kept)
	}
	up, err := http.NewRequestWithContext(ctx, req.Method, target, body)
	if err != nil {
		return nil, nil, err
	}
	copyHeaders(up.Header, req.Header)
	// The transport asks for gzip itself, and then hands over the body
	// decompressed: the caller's Accept-Encoding would make it pass the
	// compressed bytes, which the checks cannot read.
	up.Header.Del("Accept-Encoding")
	resp, err := p.client.Do(up)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	if resp.ContentLength > MaxBodyBytes {
		return nil, nil, errTooLarge // said up front: nothing to read
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, MaxBodyBytes+1))
	if err != nil {
		return nil, nil, err
	}
	if len(data) > MaxBodyBytes {
		return nil, nil, errTooLarge
	}
	return resp, data, nil
}

var errTooLarge = errors.New("the answer is too large")

// failed words why the exchange failed: 504 for the timeout, 502 for an
// answer too large or an upstream that cannot be reached. When the caller
// has gone, nobody reads the answer.
func (p *Proxy) failed(callerCtx, ctx context.Context, err error) error {
	if callerCtx.Err() != nil {
		return callerCtx.Err()
	}
	if errors.Is(err, errTooLarge) {
		return twilioerr.New(http.StatusBadGateway, fmt.Sprintf("The upstream %s answered over %d bytes", p.upstream, MaxBodyBytes))
	}
	var netErr interface{ Timeout() bool }
	if errors.Is(ctx.Err(), context.DeadlineExceeded) || (errors.As(err, &netErr) && netErr.Timeout()) {
		return twilioerr.New(http.StatusGatewayTimeout, fmt.Sprintf("The upstream %s did not answer within %v", p.upstream, p.timeout))
	}
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		err = urlErr.Err // its text repeats the method and the URL
	}
	return twilioerr.New(http.StatusBadGateway, fmt.Sprintf("The upstream %s cannot be reached: %v", p.upstream, err))
}
