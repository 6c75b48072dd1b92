package dashboard

import "net/http"

// ContentSecurityPolicy is the dashboard's policy: scripts, styles, images
// and connections from the stub itself only, so no inline script or style
// and nothing from a CDN; no plugins, no <base>, no form submission (the
// sign-in form is the script's: without the script, the token goes
// nowhere), no framing. Trusted Types with no policy make the DOM's HTML
// sinks (innerHTML and the like) throw: the scripts build every node with
// textContent, and this keeps it so.
const ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; " +
	"connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; " +
	"require-trusted-types-for 'script'; trusted-types 'none'"

// securityHeaders go on every answer of the dashboard's routes.
var securityHeaders = map[string]string{
	"Content-Security-Policy": ContentSecurityPolicy,
	// Browsers take the declared Content-Type: a script is never sniffed
	// out of something else.
	"X-Content-Type-Options": "nosniff",
	// frame-ancestors, for browsers that predate it: no clickjacking of
	// the buttons that reset the state.
	"X-Frame-Options": "DENY",
	// The page's URL leaks nowhere (it holds no secret, but nothing needs it).
	"Referrer-Policy": "no-referrer",
	// Other origins may not load the scripts or the page as a resource.
	"Cross-Origin-Resource-Policy": "same-origin",
	"Cross-Origin-Opener-Policy":   "same-origin",
}

func setSecurityHeaders(h http.Header) {
	for name, value := range securityHeaders {
		h.Set(name, value)
	}
}
