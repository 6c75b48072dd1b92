package proxy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/twilio-stubs/userconversations/server/internal/httpmw"
	"github.com/twilio-stubs/userconversations/server/internal/routes"
	"github.com/twilio-stubs/userconversations/server/internal/twilioerr"
	"github.com/twilio-stubs/userconversations/server/internal/validation"
)

// hopByHop are the headers of one connection (RFC 9110, section 7.6.1),
// never forwarded; Content-Length is set from the body actually sent, and
// Expect was met already: the body is here.
var hopByHop = map[string]bool{
	"Connection": true, "Proxy-Connection": true, "Keep-Alive": true,
	"Proxy-Authenticate": true, "Proxy-Authorization": true,
	"Te": true, "Trailer": true, "Transfer-Encoding": true, "Upgrade": true,
	"Content-Length": true, "Expect": true,
}

// copyHeaders copies the end-to-end headers of src into dst: the caller's
// Authorization among them, as it was sent.
func copyHeaders(dst, src http.Header) {
	named := map[string]bool{}
	for _, v := range src.Values("Connection") {
		for _, name := range strings.Split(v, ",") {
			named[http.CanonicalHeaderKey(strings.TrimSpace(name))] = true
		}
	}
	for name, values := range src {
		if !hopByHop[name] && !named[name] {
			dst[name] = append([]string(nil), values...)
		}
	}
}

// relay answers with the upstream's status, headers and body. The chain
// gave the answer the stub's own Twilio headers: they give way to the
// upstream's, which the journal then records.
func relay(c echo.Context, resp *http.Response, body []byte) error {
	out := c.Response()
	header := out.Header()
	clear(header)
	copyHeaders(header, resp.Header)
	if bodyAllowed(resp.StatusCode) {
		header.Set(echo.HeaderContentLength, strconv.Itoa(len(body)))
	}
	httpmw.SetRequestID(c, resp.Header.Get(httpmw.HeaderRequestID))
	// TwilioHeaders sets the stub's duration as the status is written;
	// this runs after it.
	duration := resp.Header.Values(httpmw.HeaderRequestDuration)
	out.Before(func() {
		if len(duration) == 0 {
			header.Del(httpmw.HeaderRequestDuration)
		} else {
			header[httpmw.HeaderRequestDuration] = duration
		}
	})
	out.WriteHeader(resp.StatusCode)
	if !bodyAllowed(resp.StatusCode) {
		return nil
	}
	_, err := out.Write(body)
	return err
}

func bodyAllowed(status int) bool {
	return status >= 200 && status != http.StatusNoContent && status != http.StatusNotModified
}

// rewriteURLs points the upstream's absolute URLs in a JSON body at the
// stub (base): a JSON string that starts with the upstream's base URL
// starts with base instead. Nothing else of the body changes.
func rewriteURLs(body []byte, contentType, upstream, base string) []byte {
	if upstream == base {
		return body
	}
	if mediaType, _, err := mime.ParseMediaType(contentType); err != nil || mediaType != echo.MIMEApplicationJSON {
		return body
	}
	// Each ReplaceAll copies the whole body: none for a body without the
	// upstream's base (an error, say).
	if !bytes.Contains(body, []byte(`"`+upstream)) {
		return body
	}
	for _, end := range []string{"/", "?", `"`} {
		body = bytes.ReplaceAll(body, []byte(`"`+upstream+end), []byte(`"`+base+end))
	}
	return body
}

// offContract is strict mode's answer to an upstream answer that breaks
// the spec: 502, naming the first problem; GET /_stub/violations lists
// them all.
func offContract(route *routes.Route, status int, problems []validation.Problem) error {
	first := problems[0]
	where := first.Location
	switch {
	case first.Location == validation.LocationBody && first.Pointer != "":
		where += " " + first.Pointer
	case first.Name != "":
		where += " " + first.Name
	}
	msg := fmt.Sprintf("The upstream's answer breaks the spec: %s answered %d, %s: %s (rule %s)",
		route.OperationID, status, where, first.Message, first.Rule)
	if n := len(problems) - 1; n > 0 {
		msg += fmt.Sprintf("; %d more in GET /_stub/violations", n)
	}
	return twilioerr.New(http.StatusBadGateway, msg)
}

// upstreamError is the 502 for an upstream 5xx: its status, its Twilio
// error's code and message when it sent one, and its request id, for
// Twilio's support. A Retry-After goes along.
func (p *Proxy) upstreamError(resp *http.Response, body []byte) error {
	msg := fmt.Sprintf("The upstream %s answered %d", p.upstream, resp.StatusCode)
	var twErr struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	}
	if json.Unmarshal(body, &twErr) == nil && twErr.Message != "" {
		msg += fmt.Sprintf(": %s (code %d)", twErr.Message, twErr.Code)
	}
	if id := resp.Header.Get(httpmw.HeaderRequestID); id != "" {
		msg += " (Twilio-Request-Id " + id + ")"
	}
	e := twilioerr.New(http.StatusBadGateway, msg)
	if retry := resp.Header.Get("Retry-After"); retry != "" {
		e.Header = http.Header{"Retry-After": {retry}}
	}
	return e
}
