package dashboard_test

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	twilio "github.com/twilio/twilio-go"
	twclient "github.com/twilio/twilio-go/client"
	conversations "github.com/twilio/twilio-go/rest/conversations/v1"

	"github.com/twilio-stubs/userconversations/server"
	"github.com/twilio-stubs/userconversations/server/stubtest"
)

// The dashboard in a real browser, against an in-process stub with the demo
// world, as its user goes through it: a wrong token, then the right one;
// requests of Twilio's Go library showing in the journal; a conversation
// muted in the world view, as the Twilio API then tells; a fault added in
// the faults view, firing; each view readable in a narrow window, every
// control labelled. It saves a screenshot of each view (make screenshots
// puts them in docs/images).
func TestDashboardInABrowser(t *testing.T) {
	started := time.Now()
	b := newBrowser(t)
	stub := stubtest.New(t)
	api := twilioAPI(stub)
	t.Cleanup(func() { t.Logf("the browser test took %v", time.Since(started).Round(time.Millisecond)) })

	steps := []struct {
		name string
		run  func(t *testing.T, b *browser, stub *stubtest.Stub, api *conversations.ApiService)
	}{
		{"a wrong token is refused, clearly", wrongToken},
		{"the right token signs in", signIn},
		{"twilio-go's requests show in the journal within a second", journal},
		{"the world view mutes a conversation, through the Twilio API", mute},
		{"a fault added in the faults view fires", fault},
		{"violations show on their journal entry", violations},
		{"a proxy-mode stub's violations show on their journal entry", proxyViolations},
		{"the keyboard alone goes from view to view and through a confirmation", keyboard},
		{"every control has a label and a narrow window scrolls no sideways", usable},
		{"signing out forgets the token", signOut},
	}
	for _, step := range steps {
		ok := t.Run(step.name, func(t *testing.T) {
			b.t = t
			step.run(t, b, stub, api)
			b.checkConsole()
		})
		if !ok {
			return // each step builds on the one before
		}
	}
}

// twilioAPI is Twilio's Go library, pointed at the stub with the demo
// world's first account.
func twilioAPI(stub *stubtest.Stub) *conversations.ApiService {
	c := &twclient.Client{Credentials: twclient.NewCredentials(stub.AccountSID, stub.AuthToken), HTTPClient: stub.HTTPClient()}
	c.SetAccountSid(stub.AccountSID)
	return twilio.NewRestClientWithParams(twilio.ClientParams{Client: c}).ConversationsV1
}

func wrongToken(t *testing.T, b *browser, stub *stubtest.Stub, _ *conversations.ApiService) {
	b.do(chromedp.Navigate(stub.URL+"/_stub/ui"), chromedp.WaitVisible(chromedp.ID("token")))
	// The keyboard alone: the field, the token, Enter.
	b.do(chromedp.SendKeys(chromedp.ID("token"), "not-the-admin-token"+kb.Enter))
	b.waitUntil(`!document.getElementById("signin-message").hidden`, waitTime)
	contains(t, "the sign-in message", b.text("#signin-message"),
		"refused this token (401)", "--admin-token", "STUB_ADMIN_TOKEN")
	if n := eval[int](b, `sessionStorage.length`); n != 0 {
		t.Errorf("a refused token is kept: sessionStorage holds %d items", n)
	}
	b.shot("dashboard-signin")
}

func signIn(t *testing.T, b *browser, stub *stubtest.Stub, _ *conversations.ApiService) {
	b.typeInto("#token", stub.AdminToken+kb.Enter)
	b.waitUntil(`!document.getElementById("journal").hidden`, waitTime)
	b.waitUntil(`!document.getElementById("journal-empty").hidden`, waitTime)
	contains(t, "the empty journal", b.text("#journal-empty"), "No requests yet", stub.URL)
	if got := eval[string](b, `sessionStorage.getItem("conversations-stub.admin-token")`); got != stub.AdminToken {
		t.Errorf("sessionStorage holds %q, want the admin token", got)
	}
	if url := eval[string](b, `location.href`); strings.Contains(url, stub.AdminToken) {
		t.Errorf("the token is in the URL: %s", url)
	}
}

func journal(t *testing.T, b *browser, stub *stubtest.Stub, api *conversations.ApiService) {
	_, err := api.FetchUserConversation("alice", "no-such-conversation")
	answered := time.Now()
	var restErr *twclient.TwilioRestError
	if !errors.As(err, &restErr) || restErr.Status != 404 || restErr.Code != 20404 {
		t.Fatalf("fetch of a conversation the world lacks: %v, want Twilio's 404 (code 20404)", err)
	}
	// The poll is every half second; the row must be there within one.
	row := `#journal-list li[data-status="404"][data-code="20404"]`
	b.waitUntil(fmt.Sprintf(`document.querySelector(%s)`, quote(row)), time.Second-time.Since(answered))
	t.Logf("the 404 showed %v after twilio-go had its answer", time.Since(answered).Round(time.Millisecond))
	contains(t, "the journal row", b.text(row), "GET", "/v1/Users/alice/Conversations/no-such-conversation", "404", "20404", "FetchUserConversation")

	// A success too, and a filter that keeps only it.
	if _, err := api.UpdateUserConversation("alice", "general", new(conversations.UpdateUserConversationParams).SetLastReadMessageIndex(110)); err != nil {
		t.Fatal(err)
	}
	// The one-second promise is the 404's, above; this wait only bounds a
	// busy machine's (two cores shared with the rest of make test).
	updated := time.Now()
	b.waitUntil(`document.querySelector('#journal-list li[data-status="200"]')`, waitTime)
	t.Logf("the update showed %v after twilio-go had its answer", time.Since(updated).Round(time.Millisecond))
	b.choose("#f-operation", "UpdateUserConversation")
	b.waitUntil(`document.querySelectorAll('#journal-list li').length === 1 && document.querySelector('#journal-list li[data-status="200"]')`, waitTime)
	b.do(chromedp.Click(chromedp.CSS(`#journal-list li[data-status="200"] summary`)))
	contains(t, "the update, opened", b.text(`#journal-list li[data-status="200"]`),
		"Form", "LastReadMessageIndex", "110", "Path parameters", "ConversationSid", "general", "Twilio-Request-Id", "RQ")
	b.do(chromedp.Click(chromedp.CSS(`#journal-filters button[type="reset"]`)))
	b.waitUntil(`document.querySelectorAll('#journal-list li').length === 2`, waitTime)

	// The 404, opened: the answer's code and message.
	b.do(chromedp.Click(chromedp.CSS(row + " summary")))
	contains(t, "the 404, opened", b.text(row), "Twilio error code", "20404", "was not found", "Account", stub.AccountSID)
}

func mute(t *testing.T, b *browser, stub *stubtest.Stub, api *conversations.ApiService) {
	b.do(chromedp.Click(chromedp.CSS(`nav a[href="#world"]`)))
	alice := `#world-tree .service details.user[data-identity="alice"]`
	// The view, shown, loads the state again and redraws the tree (aria-busy
	// meanwhile): a click on the tree drawn before would miss.
	b.waitUntil(fmt.Sprintf(`!document.getElementById("world").hidden && !document.getElementById("world-tree").hasAttribute("aria-busy") && document.querySelector(%s)`, quote(alice)), waitTime)
	b.do(chromedp.Click(chromedp.CSS(alice + " > summary")))
	general := alice + ` li[data-unique-name="general"]`
	b.waitUntil(fmt.Sprintf(`document.querySelector(%s)`, quote(general)), waitTime)
	contains(t, "alice in general", b.text(general), "General", "Read up to message", "Unread", "Notifications")
	if unread := eval[string](b, fmt.Sprintf(`document.querySelector(%s).value`, quote(general+" output"))); unread != "9" {
		t.Errorf("unread shows %q; the Twilio API says 9 (120 messages, read up to 110)", unread)
	}

	b.choose(general+" select", "muted")
	b.do(chromedp.Click(chromedp.CSS(general + ` button[type="submit"]`)))
	b.waitUntil(fmt.Sprintf(`document.querySelector(%s).innerText.includes("Saved")`, quote(general+" .status")), waitTime)

	got, err := api.FetchUserConversation("alice", "general")
	if err != nil {
		t.Fatal(err)
	}
	if got.NotificationLevel == nil || *got.NotificationLevel != "muted" {
		t.Errorf("after muting in the world view, the Twilio API says notification_level %v", got.NotificationLevel)
	}
	b.shot("dashboard-world")
}

func fault(t *testing.T, b *browser, stub *stubtest.Stub, api *conversations.ApiService) {
	b.do(chromedp.Click(chromedp.CSS(`nav a[href="#faults"]`)))
	b.waitUntil(`!document.getElementById("faults-empty").hidden`, waitTime)

	// Bad input first: the page says what is wrong, then the stub does.
	b.choose("#fault-operation", "FetchUserConversation")
	b.do(chromedp.Click(chromedp.CSS(`#fault-form button[type="submit"]`)))
	b.waitUntil(`document.getElementById("fault-form-error").innerText.includes("needs an HTTP status")`, waitTime)
	b.typeInto("#fault-status", "200")
	b.do(chromedp.Click(chromedp.CSS(`#fault-form button[type="submit"]`)))
	b.waitUntil(`document.getElementById("fault-form-error").innerText.startsWith("Not added: ")`, waitTime)
	contains(t, "the stub's refusal", b.text("#fault-form-error"), "status")

	b.typeInto("#fault-status", "503")
	b.typeInto("#fault-message", "Twilio is down for maintenance")
	b.typeInto("#fault-times", "1")
	b.do(chromedp.Click(chromedp.CSS(`#fault-form button[type="submit"]`)))
	b.waitUntil(`document.querySelector("#faults-list tr[data-fault]")`, waitTime)
	if msg := b.text("#fault-form-error"); msg != "" {
		t.Errorf("an error shows after the fault was added: %s", msg)
	}

	_, err := api.FetchUserConversation("alice", "general")
	var restErr *twclient.TwilioRestError
	if !errors.As(err, &restErr) || restErr.Status != 503 || restErr.Message != "Twilio is down for maintenance" {
		t.Fatalf("fetch with the fault on: %v, want the fault's 503", err)
	}
	if _, err := api.FetchUserConversation("alice", "general"); err != nil {
		t.Errorf("the fault was for one request; the next got %v", err)
	}
	b.waitUntil(`document.querySelector("#faults-list tr[data-fault] .applied").innerText.includes("1 of 1 (spent)")`, waitTime)
	contains(t, "the fault's row", b.text("#faults-list tr[data-fault]"), "FetchUserConversation", "answer 503", "Twilio is down for maintenance")
	b.shot("dashboard-faults")

	// Remove it; the list is empty again.
	b.do(chromedp.Click(chromedp.CSS(`#faults-list tr[data-fault] button`)))
	b.waitUntil(`!document.getElementById("faults-empty").hidden`, waitTime)
	stub.AssertRequested(t, stubtest.Match{Operation: "FetchUserConversation", Status: 503})
}

func violations(t *testing.T, b *browser, stub *stubtest.Stub, api *conversations.ApiService) {
	// A stub in proxy mode marks journal entries with the ids of their
	// contract violations and lists those at GET /_stub/violations; the
	// page shows them on their entry. The browser's Fetch domain plays that
	// part here: bob's list breaks the contract twice (v1, v2), and
	// carol's fetch names a violation the stub no longer keeps (v0).
	intercept(t, b, map[string][]string{"/v1/Users/bob/": {"v1", "v2"}, "/v1/Users/carol": {"v0"}}, `{"violations": [
		{"id": "v1", "time": "2026-11-30T13:35:06Z", "direction": "response", "operation": "ListUserConversation", "method": "GET",
		 "path": "/v1/Users/bob/Conversations", "status": 200, "location": "body", "pointer": "/conversations/0/unread_messages_count",
		 "rule": "type", "message": "value must be an integer", "value": "\"12\""},
		{"id": "v2", "time": "2026-11-30T13:35:06Z", "direction": "response", "operation": "ListUserConversation", "method": "GET",
		 "path": "/v1/Users/bob/Conversations", "status": 200, "location": "body", "pointer": "/conversations/1/friendly_name",
		 "rule": "maxLength", "message": "maximum string length is 256", "redacted": true}]}`)
	b.do(chromedp.Click(chromedp.CSS(`nav a[href="#journal"]`)))
	if _, err := api.ListUserConversation("bob", new(conversations.ListUserConversationParams).SetPageSize(2).SetLimit(2)); err != nil {
		t.Fatal(err)
	}
	if _, err := api.FetchUserConversation("carol@example.com", "general"); err != nil {
		t.Logf("carol in general: %v", err) // an entry either way
	}
	entry := `#journal-list li:has(.badge.violation)`
	b.waitUntil(fmt.Sprintf(`document.querySelectorAll(%s).length === 2`, quote(entry)), waitTime)
	bob := `#journal-list li[data-path^="/v1/Users/bob/"]`
	contains(t, "bob's badge", b.text(bob+" .badge.violation"), "2 violations")
	b.do(chromedp.Click(chromedp.CSS(bob + " summary")))
	contains(t, "bob's violations", b.text(bob+" .violations"), "Contract violations",
		"v1", "response body", "/conversations/0/unread_messages_count", "type", "value must be an integer", `value "12"`,
		"v2", "/conversations/1/friendly_name", "maxLength", "value withheld (personal data)")
	carol := `#journal-list li[data-path^="/v1/Users/carol"]`
	b.do(chromedp.Click(chromedp.CSS(carol + " summary")))
	contains(t, "carol's violation", b.text(carol+" .violations"), "v0", "no longer kept")
	b.do(chromedp.Click(chromedp.CSS(carol + " summary"))) // closed again, for the screenshot
	b.shot("dashboard-journal")
}

// proxyViolations puts a stub in proxy mode in front of the test's stub:
// a request that breaks the contract is refused there with a 400, listed
// at its GET /_stub/violations and marked on its journal entry, which the
// page shows. The tab then goes back to the test's stub, still signed in
// there (sessionStorage is per origin).
func proxyViolations(t *testing.T, b *browser, stub *stubtest.Stub, _ *conversations.ApiService) {
	proxy := stubtest.New(t, stubtest.WithConfig(func(c *server.Config) { c.Upstream = stub.URL }))
	b.do(chromedp.Navigate(proxy.URL+"/_stub/ui"), chromedp.WaitVisible(chromedp.ID("token")))
	b.typeInto("#token", proxy.AdminToken+kb.Enter)
	b.waitUntil(`!document.getElementById("journal").hidden`, waitTime)

	req, err := http.NewRequest(http.MethodGet, proxy.URL+"/v1/Users/alice/Conversations?PageSize=5000", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(proxy.AccountSID, proxy.AuthToken)
	resp, err := proxy.HTTPClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("PageSize=5000 through the proxy: %d, want its 400", resp.StatusCode)
	}
	entry := `#journal-list li[data-status="400"]:has(.badge.violation)`
	b.waitUntil(fmt.Sprintf(`document.querySelector(%s)`, quote(entry)), waitTime)
	b.do(chromedp.Click(chromedp.CSS(entry + " summary")))
	b.waitUntil(fmt.Sprintf(`document.querySelector(%s)`, quote(entry+" .violations")), waitTime)
	contains(t, "the proxy's violation", b.text(entry+" .violations"), "v1", "request query PageSize", "maximum", "value 5000")

	b.do(chromedp.Navigate(stub.URL + "/_stub/ui"))
	b.waitUntil(`!document.getElementById("journal").hidden`, waitTime)
}

// keyboard goes through the page with Tab, Enter and Escape only: to the
// World link and into the world view, to Reset everything, whose
// confirmation Escape dismisses, leaving the state alone and the focus on
// the button.
func keyboard(t *testing.T, b *browser, stub *stubtest.Stub, _ *conversations.ApiService) {
	eval[chromedp.Void](b, `document.activeElement.blur(); window.scrollTo(0, 0)`)
	tabTo := func(selector string) {
		t.Helper()
		for range 40 {
			b.do(chromedp.KeyEvent(kb.Tab))
			if eval[bool](b, fmt.Sprintf(`document.activeElement === document.querySelector(%s)`, quote(selector))) {
				return
			}
		}
		t.Fatalf("40 presses of Tab never reached %s", selector)
	}
	tabTo(`nav a[href="#world"]`)
	b.do(chromedp.KeyEvent(kb.Enter))
	b.waitUntil(`!document.getElementById("world").hidden && !document.getElementById("world-tree").hasAttribute("aria-busy")`, waitTime)
	tabTo("#world-reset")
	b.do(chromedp.KeyEvent(kb.Enter))
	b.waitUntil(`document.getElementById("confirm").open && document.activeElement.id === "confirm-cancel"`, waitTime)
	b.do(chromedp.KeyEvent(kb.Escape))
	b.waitUntil(`!document.getElementById("confirm").open && document.activeElement.id === "world-reset"`, waitTime)
	if status := b.text("#world-status"); strings.Contains(status, "reset") {
		t.Errorf("Escape reset the state: %s", status)
	}
	// general is still muted: nothing was reset.
	uc, err := twilioAPI(stub).FetchUserConversation("alice", "general")
	if err != nil {
		t.Fatal(err)
	}
	if uc.NotificationLevel == nil || *uc.NotificationLevel != "muted" {
		t.Errorf("after Escape, general's notification level is %v: the state was reset", uc.NotificationLevel)
	}
}

func usable(t *testing.T, b *browser, stub *stubtest.Stub, _ *conversations.ApiService) {
	for _, view := range []string{"journal", "world", "faults"} {
		b.do(chromedp.Click(chromedp.CSS(`nav a[href="#` + view + `"]`)))
		b.waitUntil(fmt.Sprintf(`!document.getElementById(%s).hidden`, quote(view)), waitTime)
		for _, unlabelled := range eval[[]string](b, unlabelledControls) {
			t.Errorf("%s view: %s has no label", view, unlabelled)
		}
	}

	b.do(chromedp.EmulateViewport(390, 844))
	defer b.do(chromedp.EmulateViewport(viewWidth, viewHeight))
	for _, view := range []string{"faults", "world", "journal"} {
		b.do(chromedp.Click(chromedp.CSS(`nav a[href="#` + view + `"]`)))
		b.waitUntil(fmt.Sprintf(`!document.getElementById(%s).hidden`, quote(view)), waitTime)
		if overflow := eval[int](b, `document.documentElement.scrollWidth - window.innerWidth`); overflow > 0 {
			t.Errorf("%s view at 390 px: %d px wider than the window, because of %v", view, overflow, eval[[]string](b, tooWide))
		}
	}
	b.shot("dashboard-narrow")
}

// tooWide lists the innermost elements that end right of the window.
const tooWide = `[...document.querySelectorAll("body *")]
	.filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1 && ![...e.children].some((c) => c.getBoundingClientRect().right > window.innerWidth + 1))
	.slice(0, 5).map((e) => e.tagName + (e.id ? "#" + e.id : "") + "." + e.className + " " + Math.round(e.getBoundingClientRect().right) + "px: " + e.textContent.slice(0, 40))`

// unlabelledControls lists the form controls, visible or not, that have no
// accessible name: no <label>, no aria-label, no text.
const unlabelledControls = `[...document.querySelectorAll("input, select, textarea, button, output")]
	.filter((c) => !(c.labels && c.labels.length) && !c.getAttribute("aria-label") && !c.getAttribute("aria-labelledby") &&
		!(c.tagName === "BUTTON" && c.textContent.trim()))
	.map((c) => c.outerHTML.slice(0, 120))`

func signOut(t *testing.T, b *browser, _ *stubtest.Stub, _ *conversations.ApiService) {
	b.do(chromedp.Click(chromedp.ID("signout")))
	b.waitUntil(`!document.getElementById("signin").hidden && document.getElementById("journal").hidden`, waitTime)
	if n := eval[int](b, `sessionStorage.length`); n != 0 {
		t.Errorf("after signing out, sessionStorage holds %d items", n)
	}
}
