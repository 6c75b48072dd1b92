package httpmw

import (
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/labstack/echo/v4"
)

// Scheme answers as echo's own extractor does, headers or not, from a
// trusted peer or not, over TLS or not.
func TestSchemeIsEchos(t *testing.T) {
	echos := echo.ExtractSchemeFromHeaders()
	for _, peer := range []string{"127.0.0.1:5000", "203.0.113.9:5000"} {
		for _, header := range []http.Header{
			nil,
			{"Accept": {"*/*"}, "X-Other": {"https"}},
			{"X-Forwarded-Proto": {"https"}},
			{"X-Forwarded-Proto": {"http, https"}},
			{"X-Forwarded-Proto": {""}},
			{"X-Forwarded-Protocol": {"https"}},
			{"X-Forwarded-Ssl": {"on"}},
			{"X-Forwarded-Ssl": {"off"}},
			{"X-Url-Scheme": {"https"}},
			{"X-Url-Scheme": {"gopher"}},
		} {
			for _, overTLS := range []bool{false, true} {
				r := httptest.NewRequest(http.MethodGet, "/v1/Users/alice/Conversations", nil)
				r.RemoteAddr, r.Header = peer, header.Clone()
				if r.Header == nil {
					r.Header = http.Header{}
				}
				if overTLS {
					r.TLS = &tls.ConnectionState{}
				}
				if got, want := Scheme(r), echos(r); got != want {
					t.Errorf("peer %s, TLS %v, %v: %q, echo says %q", peer, overTLS, header, got, want)
				}
			}
		}
	}
}
