package dashboard_test

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/twilio-stubs/userconversations/gen/adminserver"
	"github.com/twilio-stubs/userconversations/server/internal/dashboard"
	"github.com/twilio-stubs/userconversations/server/stubtest"
)

// get fetches path from the stub, with the admin token if token is set.
func get(t *testing.T, stub *stubtest.Stub, method, path, token string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, stub.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(body)
}

// assets lists web/assets, the files the stub embeds.
func assets(t *testing.T) []string {
	t.Helper()
	entries, err := os.ReadDir("web/assets")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// script is one of the page's JavaScript modules.
type script struct {
	name string
	src  []byte
}

// scripts reads the JavaScript modules among names, the files of
// web/assets, in the order given.
func scripts(t *testing.T, names []string) []script {
	t.Helper()
	var out []script
	for _, name := range names {
		if path.Ext(name) != ".js" {
			continue
		}
		src, err := os.ReadFile("web/assets/" + name)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, script{name: name, src: src})
	}
	return out
}

// The page and every file it uses are served without a token (the stub's
// response validation checks each against api/admin.yaml), with the
// security headers, and with a media type a browser runs or applies under
// X-Content-Type-Options: nosniff.
func TestServesThePageAndItsFiles(t *testing.T) {
	stub := stubtest.New(t)
	want := map[string]string{
		".js":  "text/javascript; charset=utf-8",
		".css": "text/css; charset=utf-8",
		".svg": "image/svg+xml",
	}
	paths := map[string]string{"/_stub/ui": "text/html; charset=UTF-8"}
	for _, name := range assets(t) {
		paths["/_stub/ui/assets/"+name] = want[path.Ext(name)]
	}
	for p, contentType := range paths {
		resp, body := get(t, stub, http.MethodGet, p, "")
		switch {
		case resp.StatusCode != http.StatusOK:
			t.Errorf("GET %s: %d %s", p, resp.StatusCode, body)
			continue
		case resp.Header.Get("Content-Type") != contentType:
			t.Errorf("GET %s: Content-Type %q, want %q", p, resp.Header.Get("Content-Type"), contentType)
		case body == "":
			t.Errorf("GET %s: empty", p)
		case resp.Header.Get("Cache-Control") != "no-cache":
			t.Errorf("GET %s: Cache-Control %q", p, resp.Header.Get("Cache-Control"))
		}
		checkSecurityHeaders(t, "GET "+p, resp.Header)
	}
}

func checkSecurityHeaders(t *testing.T, what string, h http.Header) {
	t.Helper()
	for name, value := range map[string]string{
		"Content-Security-Policy": dashboard.ContentSecurityPolicy,
		"X-Content-Type-Options":  "nosniff",
		"X-Frame-Options":         "DENY",
		"Referrer-Policy":         "no-referrer",
	} {
		if got := h.Get(name); got != value {
			t.Errorf("%s: %s %q, want %q", what, name, got, value)
		}
	}
}

// The policy allows nothing but the stub itself, and no inline code.
func TestContentSecurityPolicyIsStrict(t *testing.T) {
	policy := map[string]string{}
	for _, directive := range strings.Split(dashboard.ContentSecurityPolicy, ";") {
		name, value, _ := strings.Cut(strings.TrimSpace(directive), " ")
		policy[name] = value
	}
	for name, want := range map[string]string{
		"default-src": "'self'", "script-src": "'self'", "style-src": "'self'", "connect-src": "'self'",
		"object-src": "'none'", "base-uri": "'none'", "form-action": "'none'", "frame-ancestors": "'none'",
		"require-trusted-types-for": "'script'",
	} {
		if policy[name] != want {
			t.Errorf("%s %q, want %q", name, policy[name], want)
		}
	}
	if strings.Contains(dashboard.ContentSecurityPolicy, "unsafe") {
		t.Error("the policy allows something unsafe")
	}
}

// Without the admin API, the dashboard is not there: 404 in Twilio's JSON,
// as every admin path but the open ones, whatever the asset's name.
func TestOffWithoutTheAdminAPI(t *testing.T) {
	stub := stubtest.New(t, stubtest.WithoutAdmin())
	for _, p := range []string{"/_stub/ui", "/_stub/ui/assets/main.js", "/_stub/ui/assets/NOT-A-NAME", "/_stub/ui/assets/nope.js"} {
		resp, body := get(t, stub, http.MethodGet, p, "")
		if resp.StatusCode != http.StatusNotFound || !strings.Contains(body, `"code":20404`) {
			t.Errorf("GET %s with the admin API off: %d %s, want Twilio's 404", p, resp.StatusCode, body)
		}
	}
}

// A file the stub lacks is a 404, a name the spec refuses a 400 naming the
// parameter; never a 500, and never anything but Twilio's error JSON.
func TestBadAssetNames(t *testing.T) {
	stub := stubtest.New(t)
	tests := []struct {
		path   string
		status int
		says   string
	}{
		{"/_stub/ui/assets/nope.js", 404, "was not found"},
		{"/_stub/ui/assets/Main.js", 400, "asset"},
		{"/_stub/ui/assets/main.txt", 400, "asset"},
		{"/_stub/ui/assets/.main.js", 400, "asset"},
		{"/_stub/ui/assets/..%2Fpage.html", 400, "asset"},
		{"/_stub/ui/assets/" + strings.Repeat("a", 100) + ".js", 400, "asset"},
		{"/_stub/ui/assets/main.js/x", 404, "was not found"},
		// Paths of no operation are the admin API's catch-all's, behind
		// the token (401 without).
		{"/_stub/ui/assets/", 404, "was not found"},
	}
	for _, tt := range tests {
		resp, body := get(t, stub, http.MethodGet, tt.path, stub.AdminToken)
		var e struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
		}
		if err := json.Unmarshal([]byte(body), &e); err != nil || resp.StatusCode != tt.status || e.Code == 0 || !strings.Contains(e.Message, tt.says) {
			t.Errorf("GET %s: %d %s, want %d saying %q", tt.path, resp.StatusCode, body, tt.status, tt.says)
		}
	}
}

// The dashboard's paths answer other methods as every admin path does: 405
// with Allow, behind the admin token.
func TestOtherMethods(t *testing.T) {
	stub := stubtest.New(t)
	for _, p := range []string{"/_stub/ui", "/_stub/ui/assets/main.js"} {
		resp, body := get(t, stub, http.MethodPost, p, stub.AdminToken)
		if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != "OPTIONS, GET" {
			t.Errorf("POST %s: %d, Allow %q: %s", p, resp.StatusCode, resp.Header.Get("Allow"), body)
		}
		if resp, _ := get(t, stub, http.MethodDelete, p, ""); resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("DELETE %s without the token: %d, want 401", p, resp.StatusCode)
		}
	}
}

// The page's choices are the contract's: every operation of the Twilio
// API, and the fault scopes and broken bodies of api/admin.yaml.
func TestPageOffersWhatTheSpecsHave(t *testing.T) {
	stub := stubtest.New(t)
	_, page := get(t, stub, http.MethodGet, "/_stub/ui", "")
	spec, err := adminserver.GetSpec()
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, name := range []string{"FaultScope", "FaultBody"} {
		for _, v := range spec.Components.Schemas[name].Value.Enum {
			want = append(want, `<option value="`+v.(string)+`">`)
		}
	}
	for _, op := range []string{"ListUserConversation", "FetchUserConversation", "UpdateUserConversation", "DeleteUserConversation",
		"ListServiceUserConversation", "FetchServiceUserConversation", "UpdateServiceUserConversation", "DeleteServiceUserConversation"} {
		want = append(want, "<option>"+op+"</option>")
	}
	for _, w := range want {
		if !strings.Contains(page, w) {
			t.Errorf("the page has no %s", w)
		}
	}
}

// Everything the page and its modules load is embedded; no file is there
// for nothing.
func TestEveryFileIsUsedAndThere(t *testing.T) {
	page, err := os.ReadFile("web/page.html")
	if err != nil {
		t.Fatal(err)
	}
	referenced := map[string]bool{}
	for _, m := range regexp.MustCompile(`/_stub/ui/assets/([a-z0-9.-]+)`).FindAllStringSubmatch(string(page), -1) {
		referenced[m[1]] = true
	}
	imports := regexp.MustCompile(`from '\./([a-z0-9.-]+)'`)
	files := assets(t)
	for _, script := range scripts(t, files) {
		for _, m := range imports.FindAllStringSubmatch(string(script.src), -1) {
			referenced[m[1]] = true
		}
	}
	for name := range referenced {
		if !slices.Contains(files, name) {
			t.Errorf("%s is used but not in web/assets", name)
		}
	}
	for _, name := range files {
		if !referenced[name] {
			t.Errorf("web/assets/%s is used by nothing", name)
		}
	}
}

// The policy forbids inline code and HTML parsing; this keeps the files
// from needing either, so nothing breaks only in a browser.
func TestNoInlineCodeNorHTMLParsing(t *testing.T) {
	page, err := os.ReadFile("web/page.html")
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []*regexp.Regexp{
		regexp.MustCompile(`<script[^>]*>[^<]+</script>`),
		regexp.MustCompile(`<style`),
		regexp.MustCompile(`\sstyle=`),
		regexp.MustCompile(`\son[a-z]+=`),
		regexp.MustCompile(`javascript:`),
		regexp.MustCompile(`(src|href)="(https?:)?//`),
	} {
		if loc := bad.FindIndex(page); loc != nil {
			t.Errorf("web/page.html: %q", page[loc[0]:loc[1]])
		}
	}
	sinks := regexp.MustCompile(`\.(innerHTML|outerHTML|insertAdjacentHTML)\b|document\.write|\beval\(|new Function|setAttribute\('style'|https?://`)
	for _, script := range scripts(t, assets(t)) {
		if loc := sinks.FindIndex(script.src); loc != nil {
			t.Errorf("web/assets/%s: %q", script.name, script.src[loc[0]:loc[1]])
		}
	}
}

// Each file's name fits the spec's DashboardAsset, and its media type is
// one GetDashboardAsset declares.
func TestFilesFitTheSpec(t *testing.T) {
	spec, err := adminserver.GetSpec()
	if err != nil {
		t.Fatal(err)
	}
	pattern := regexp.MustCompile(spec.Components.Schemas["DashboardAsset"].Value.Pattern)
	op := spec.Paths.Value("/_stub/ui/assets/{asset}").Get
	declared := op.Responses.Value("200").Value.Content
	stub := stubtest.New(t)
	for _, name := range assets(t) {
		if !pattern.MatchString(name) {
			t.Errorf("%s does not fit the spec's pattern %s", name, pattern)
		}
		resp, _ := get(t, stub, http.MethodGet, "/_stub/ui/assets/"+name, "")
		if declared.Get(resp.Header.Get("Content-Type")) == nil {
			t.Errorf("%s: Content-Type %q is not declared", name, resp.Header.Get("Content-Type"))
		}
	}
	for _, id := range []string{"GetDashboard", "GetDashboardAsset"} {
		found := false
		for _, item := range spec.Paths.Map() {
			for _, o := range item.Operations() {
				if o.OperationID == id {
					found = slices.Contains(o.Tags, dashboard.Tag) && o.Security != nil && len(*o.Security) == 0
				}
			}
		}
		if !found {
			t.Errorf("%s: not an open operation tagged %s", id, dashboard.Tag)
		}
	}
}

// The address typed with a trailing slash leads to the page, not to the
// admin API's 401; with the admin API off it is a 404, as the page is.
func TestATrailingSlashLeadsToThePage(t *testing.T) {
	stub := stubtest.New(t)
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(stub.URL + "/_stub/ui/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusPermanentRedirect || resp.Header.Get("Location") != dashboard.PagePath {
		t.Fatalf("GET /_stub/ui/: %d, Location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	checkSecurityHeaders(t, "GET /_stub/ui/", resp.Header)
	if resp, body := get(t, stub, http.MethodGet, "/_stub/ui/", ""); resp.StatusCode != http.StatusOK || !strings.Contains(body, "<html") {
		t.Fatalf("following it: %d %.80s", resp.StatusCode, body)
	}

	off := stubtest.New(t, stubtest.WithoutAdmin())
	if resp, body := get(t, off, http.MethodGet, "/_stub/ui/", ""); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("admin API off: %d %s", resp.StatusCode, body)
	}
}
