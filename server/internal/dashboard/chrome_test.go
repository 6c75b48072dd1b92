package dashboard_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The browser tests drive a headless Chromium. make test installs Debian's
// chromium when none is here and sets BROWSER_TEST=required, so that under
// make test they run or fail, never skip; a plain go test elsewhere skips
// them, saying why. CHROMIUM names a Chrome or Chromium binary to use.

// chromiumPath returns the browser to drive, or skips the test.
func chromiumPath(t *testing.T) string {
	t.Helper()
	if path := os.Getenv("CHROMIUM"); path != "" {
		return path
	}
	for _, name := range []string{"chromium", "chromium-browser", "chromium-headless-shell", "headless_shell", "google-chrome"} {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	if os.Getenv("BROWSER_TEST") == "required" {
		t.Fatal("no Chromium found, yet make test says the browser test must run: install Debian's chromium (make chromium), or set CHROMIUM")
	}
	t.Skip("!!! SKIPPED: no Chromium here, so the dashboard's browser test did not run. make test installs Debian's chromium; or set CHROMIUM to a Chrome or Chromium binary.")
	return ""
}

// A browser is one headless Chromium tab at 1280x800, for one test.
type browser struct {
	t   *testing.T
	ctx context.Context
	// shots is where screenshots go: DASHBOARD_SCREENSHOTS (make
	// screenshots sets it to docs/images) or the test's artifact folder.
	shots string

	mu       sync.Mutex
	problems []string // what the page wrote to the console that it should not
}

const (
	viewWidth, viewHeight = 1280, 800
	// waitTime bounds every wait but the journal's one second: the tests
	// share two cores with the rest of make test.
	waitTime = 15 * time.Second
)

func newBrowser(t *testing.T) *browser {
	t.Helper()
	exe := chromiumPath(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.WindowSize(viewWidth, viewHeight),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("lang", "en-US"),
	)
	if os.Geteuid() == 0 {
		// Chromium's sandbox refuses to run as root (a CI container).
		opts = append(opts, chromedp.NoSandbox)
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
	})
	b := &browser{t: t, ctx: ctx, shots: os.Getenv("DASHBOARD_SCREENSHOTS")}
	if b.shots == "" {
		b.shots = t.ArtifactDir()
	}
	// Start the browser, then listen to the console: an exception, a
	// violation of the Content-Security-Policy or an error logged by the
	// page is a failure. The network's errors are expected (a wrong token
	// is a 401).
	// The window's size leaves the page less than its height; the
	// screenshots are of a 1280x800 page.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(viewWidth, viewHeight)); err != nil {
		t.Fatalf("starting %s: %v", exe, err)
	}
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.IsException() || (m.Type == chromedp.ConsoleError && m.Source != "network") || m.Source == "security" {
				b.mu.Lock()
				b.problems = append(b.problems, fmt.Sprintf("%s %s: %s", m.Type, m.Source, m.Text))
				b.mu.Unlock()
			}
		}
	}()
	return b
}

// checkConsole fails the test if the page complained.
func (b *browser) checkConsole() {
	b.t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, p := range b.problems {
		b.t.Errorf("the page's console: %s", p)
	}
	b.problems = nil
}

// do runs actions, failing the test (and what is left of it) on an error.
func (b *browser) do(actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, waitTime)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.t.Fatal(err)
	}
}

// eval evaluates a JavaScript expression in the page into a T.
func eval[T any](b *browser, expression string) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](expression))
	if err != nil {
		b.t.Fatalf("%s: %v", expression, err)
	}
	return v
}

// waitUntil evaluates a JavaScript condition until it holds, and returns
// how long that took; it fails the test after timeout.
func (b *browser) waitUntil(condition string, timeout time.Duration) time.Duration {
	b.t.Helper()
	start := time.Now()
	for {
		ok, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool]("Boolean("+condition+")"))
		if err == nil && ok {
			return time.Since(start)
		}
		if time.Since(start) > timeout {
			b.saveShot(b.t.ArtifactDir(), "failed")
			alerts, _ := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](
				`[...document.querySelectorAll(".error:not([hidden]), .status")].map((e) => e.id + ": " + e.innerText).filter((t) => !t.endsWith(": "))`))
			b.t.Fatalf("after %v, still not %s (%v); the page says:\n%s", timeout, condition, err, strings.Join(alerts, "\n"))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// text returns the text of the first element of a CSS selector.
func (b *browser) text(selector string) string {
	b.t.Helper()
	return eval[string](b, fmt.Sprintf(`document.querySelector(%s)?.innerText ?? ""`, quote(selector)))
}

// choose picks a value in a select, as a user would: the page hears input
// and change.
func (b *browser) choose(selector, value string) {
	b.t.Helper()
	ok := eval[bool](b, fmt.Sprintf(`(() => {
		const s = document.querySelector(%s);
		if (!s || ![...s.options].some((o) => o.value === %s)) return false;
		s.value = %s;
		s.dispatchEvent(new Event('input', { bubbles: true }));
		s.dispatchEvent(new Event('change', { bubbles: true }));
		return true;
	})()`, quote(selector), quote(value), quote(value)))
	if !ok {
		b.t.Fatalf("%s has no option %q", selector, value)
	}
}

// typeInto replaces the text of an input, as typed.
func (b *browser) typeInto(selector, text string) {
	b.t.Helper()
	eval[chromedp.Void](b, fmt.Sprintf(`document.querySelector(%s).value = ""`, quote(selector)))
	b.do(chromedp.SendKeys(chromedp.CSS(selector), text))
}

// shot saves a screenshot of the top of the page as name.png, for the docs.
func (b *browser) shot(name string) {
	b.t.Helper()
	eval[chromedp.Void](b, `window.scrollTo(0, 0)`)
	b.saveShot(b.shots, name)
}

// saveShot saves a screenshot of the viewport as dir/name.png.
func (b *browser) saveShot(dir, name string) {
	b.t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		b.t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.t.Fatal(err)
	}
	path := filepath.Join(dir, name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
	b.t.Logf("screenshot: %s", path)
}

// quote writes s as a JavaScript string literal.
func quote(s string) string {
	q, _ := json.Marshal(s)
	return string(q)
}

// contains fails the test unless text holds every one of want.
func contains(t *testing.T, what, text string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("%s: no %q in:\n%s", what, w, text)
		}
	}
}
