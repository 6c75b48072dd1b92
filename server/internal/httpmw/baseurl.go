package httpmw

import (
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"

	"github.com/labstack/echo/v4"

	"github.com/twilio-stubs/userconversations/server/internal/twilioerr"
)

// BaseURL is where the stub's absolute URLs start: a configured public
// URL, or each request's scheme and Host, when they make an absolute URL.
// net/http lets through Host headers such as "a@b", "a:b:c" or "a%zz"
// (and none at all on HTTP/1.0), which would not. It is safe for
// concurrent use; make one with NewBaseURL.
type BaseURL struct {
	public string
	// last is the last request base that passed the check: nearly every
	// request names the same host, and parsing it again was a few percent
	// of a fetch.
	last atomic.Pointer[requestBase]
}

// requestBase is a request's scheme and host, and the base URL they make.
type requestBase struct{ scheme, host, base string }

// NewBaseURL returns the base URLs of a stub configured with public
// ("" takes each request's).
func NewBaseURL(public string) *BaseURL {
	return &BaseURL{public: strings.TrimSuffix(public, "/")}
}

// Of returns the base URL of c's answer: scheme://host, or the public URL.
func (b *BaseURL) Of(c echo.Context) (string, error) {
	if b.public != "" {
		return b.public, nil
	}
	host, scheme := c.Request().Host, c.Scheme()
	if last := b.last.Load(); last != nil && last.host == host && last.scheme == scheme {
		return last.base, nil
	}
	base := scheme + "://" + host
	if u, err := url.Parse(base); host == "" || err != nil || u.Host != host {
		return "", twilioerr.InvalidParameter("Host", "must be a host name or address, with an optional port")
	}
	b.last.Store(&requestBase{scheme: scheme, host: host, base: base})
	return base, nil
}

// Scheme is the stub's echo.SchemeExtractor: echo's own
// (echo.ExtractSchemeFromHeaders, which reads a trusted proxy's
// forwarding headers), answered from the connection alone when the
// request carries none of those headers. Echo's parses the peer's address
// to decide whether to trust headers that are not there: a few percent of
// a fetch.
func Scheme(r *http.Request) string {
	if r.TLS != nil {
		return "https"
	}
	for _, name := range schemeHeaders {
		if _, ok := r.Header[name]; ok {
			return schemeFromHeaders(r)
		}
	}
	return "http"
}

var schemeFromHeaders = echo.ExtractSchemeFromHeaders()

// schemeHeaders are the headers echo reads the scheme from, as net/http
// keys them.
var schemeHeaders = [...]string{
	echo.HeaderXForwardedProto, echo.HeaderXForwardedProtocol, echo.HeaderXForwardedSsl, echo.HeaderXUrlScheme,
}
