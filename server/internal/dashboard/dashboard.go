// Package dashboard serves /_stub/ui, a page for browsers over the admin
// API and the Twilio API: the request journal (live), the state, the
// faults. The page, its scripts, its style sheet and its icon are files
// embedded in the binary (web/): Go's html/template and plain JavaScript
// modules, no build step, nothing fetched from elsewhere.
//
// The server package registers its operations (tag Dashboard of
// api/admin.yaml, generated into gen/dashboardserver) on the admin API's
// group, behind the admin API's chain, so the page and its files pass the
// same validation as every admin route; Step adds what is the dashboard's
// own: the 404 while the admin API is off, and the security headers.
//
// The page holds no data and no secret. Everything it shows or changes it
// gets through the admin API, with the admin token the user enters, and
// through the Twilio API, with the credentials the state export holds:
// whatever it does, a script can do the same way.
package dashboard

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"sync"

	"github.com/labstack/echo/v4"

	"github.com/twilio-stubs/userconversations/gen/dashboardserver"
	"github.com/twilio-stubs/userconversations/server/internal/routes"
)

// Tag is the tag of the dashboard's operations in api/admin.yaml.
const Tag = "Dashboard"

// Config configures a Dashboard.
type Config struct {
	// On serves the dashboard; off, its routes answer 404, as every admin
	// path does while the admin API is off.
	On bool
	// Operations are the Twilio API's operation ids, which the page offers
	// to filter the journal by and to aim faults at.
	Operations []string
}

// Dashboard serves the page and its files. It is safe for concurrent use:
// everything is rendered in New.
type Dashboard struct {
	// page is the rendered page; nil while the dashboard is off.
	page   []byte
	assets map[string]asset
}

var _ dashboardserver.ServerInterface = (*Dashboard)(nil)

// New renders the page once; nothing of it changes while the stub runs.
// Off, it renders nothing: every route answers 404.
func New(cfg Config) (*Dashboard, error) {
	if !cfg.On {
		return &Dashboard{}, nil
	}
	page, err := render(pageData{Operations: slices.Sorted(slices.Values(cfg.Operations))})
	if err != nil {
		return nil, fmt.Errorf("dashboard: %w", err)
	}
	assets, err := loadAssets()
	if err != nil {
		return nil, fmt.Errorf("dashboard: %w", err)
	}
	return &Dashboard{page: page, assets: assets}, nil
}

// pageData is what page.html is rendered with.
type pageData struct {
	Operations []string
}

// pageTemplate is parsed when a dashboard is first made on, not as the
// stub starts: most stubs run without the admin API.
var pageTemplate = sync.OnceValues(func() (*template.Template, error) {
	return template.ParseFS(files, "web/page.html")
})

func render(data pageData) ([]byte, error) {
	t, err := pageTemplate()
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := t.Execute(&b, data); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// GetDashboard serves the page.
func (d *Dashboard) GetDashboard(c echo.Context) error {
	c.Response().Header().Set(echo.HeaderCacheControl, "no-cache")
	return c.Blob(http.StatusOK, echo.MIMETextHTMLCharsetUTF8, d.page)
}

// PagePath is where the page is served.
const PagePath = "/_stub/ui"

// GetDashboardWithSlash sends a browser on to the page.
func (d *Dashboard) GetDashboardWithSlash(c echo.Context) error {
	return c.Redirect(http.StatusPermanentRedirect, PagePath)
}

// GetDashboardAsset serves one of the page's files.
func (d *Dashboard) GetDashboardAsset(c echo.Context, name string) error {
	a, ok := d.assets[name]
	if !ok {
		return echo.ErrNotFound
	}
	// The files change only with the binary; no-cache has the browser ask
	// again on each load rather than run a stale script against a new stub.
	c.Response().Header().Set(echo.HeaderCacheControl, "no-cache")
	return c.Blob(http.StatusOK, a.contentType, a.body)
}

// Step is the dashboard's step of the admin API's chain; it acts on the
// dashboard's operations only. It goes after the admin API's guard (which
// leaves these open operations alone) and before request validation, so
// that while the admin API is off the dashboard's paths answer 404 whatever
// is asked of them, as the guarded paths do. Every answer, an error's
// included, carries the security headers.
func (d *Dashboard) Step() routes.Step {
	return func(route *routes.Route) echo.MiddlewareFunc {
		if !isDashboard(route) {
			return nil
		}
		return func(next echo.HandlerFunc) echo.HandlerFunc {
			return func(c echo.Context) error {
				setSecurityHeaders(c.Response().Header())
				if d.page == nil {
					return echo.ErrNotFound
				}
				return next(c)
			}
		}
	}
}

// isDashboard reports whether route is one of the dashboard's operations.
func isDashboard(route *routes.Route) bool {
	return route != nil && slices.Contains(route.Tags, Tag)
}
