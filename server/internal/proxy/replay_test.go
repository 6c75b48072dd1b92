package proxy_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	fixturesgen "github.com/twilio-stubs/userconversations/gen/fixtures"
	"github.com/twilio-stubs/userconversations/server"
	"github.com/twilio-stubs/userconversations/server/fixtures"
	"github.com/twilio-stubs/userconversations/server/internal/recording"
	"github.com/twilio-stubs/userconversations/server/internal/testkit"
)

// step is one request of the scripted session; a list step follows the
// answer's next_page_url to the end.
type step struct {
	name         string
	method, path string
	form         url.Values
	apiKey       bool // sent with account A's API key instead of its auth token
	status       int
}

// session is what a suite does: lists with paging, fetches by SID and by
// name (an identity that needs escaping among them), a named service with
// an API key, an update, a clear, a delete and the 404 after it.
var session = []step{
	{"list alice, a page at a time", http.MethodGet, "/v1/Users/alice/Conversations?PageSize=1", nil, false, 200},
	{"list bob", http.MethodGet, "/v1/Users/bob/Conversations", nil, false, 200},
	{"fetch by SIDs", http.MethodGet, "/v1/Users/" + testkit.SID("US", 1) + "/Conversations/" + testkit.SID("CH", 3), nil, false, 200},
	{"fetch by names", http.MethodGet, "/v1/Users/alice/Conversations/general", nil, false, 200},
	{"fetch an escaped identity", http.MethodGet, "/v1/Users/eve%2Fops/Conversations/odd", nil, false, 200},
	{"list in a named service, API key", http.MethodGet, "/v1/Services/" + testkit.NamedA + "/Users/alice/Conversations", nil, true, 200},
	{"fetch in a named service, API key", http.MethodGet, "/v1/Services/" + testkit.NamedA + "/Users/alice/Conversations/named-room", nil, true, 200},
	{"update", http.MethodPost, "/v1/Users/alice/Conversations/support", url.Values{"LastReadMessageIndex": {"2"}, "NotificationLevel": {"muted"}}, false, 200},
	{"clear the read horizon", http.MethodPost, "/v1/Users/bob/Conversations/general", url.Values{"LastReadMessageIndex": {""}}, false, 200},
	{"fetch bob's other", http.MethodGet, "/v1/Users/bob/Conversations/" + testkit.SID("CH", 4), nil, false, 200},
	{"delete it", http.MethodDelete, "/v1/Users/bob/Conversations/" + testkit.SID("CH", 4), nil, false, 204},
	{"the 404 after it", http.MethodGet, "/v1/Users/bob/Conversations/" + testkit.SID("CH", 4), nil, false, 404},
	{"list bob again", http.MethodGet, "/v1/Users/bob/Conversations", nil, false, 200},
	{"list alice again", http.MethodGet, "/v1/Users/alice/Conversations?PageSize=1", nil, false, 200},
}

// exchange is one answer of a run, its stub's base URL written as BASE.
type exchange struct {
	label  string
	status int
	body   string
}

// runSession sends the session to s and returns every answer, pages
// included.
func runSession(t *testing.T, s *testkit.Stub) []exchange {
	t.Helper()
	var out []exchange
	for _, st := range session {
		creds := []string{testkit.AccountA, testkit.TokenA}
		if st.apiKey {
			creds = []string{testkit.KeyA, testkit.SecretA}
		}
		path := st.path
		for page := 0; path != ""; page++ {
			r := s.Request(st.method, path, st.form, creds...)
			label := st.name
			if page > 0 {
				label += fmt.Sprintf(", page %d", page+1)
			}
			out = append(out, exchange{label, r.Status, strings.ReplaceAll(string(r.Body), s.URL, "BASE")})
			path = ""
			if st.method == http.MethodGet && r.Status == http.StatusOK && !strings.Contains(st.path, "/Conversations/") {
				if next := r.Page(t).Meta.NextPageUrl; next != nil {
					path = s.PathOf(t, *next)
				}
			}
		}
	}
	return out
}

// The recording of a session through the proxy, replayed offline by a
// stub started on it, answers the same requests with the same bodies.
//
// The upstream is a stub; both stubs share the page token key and, as
// testkit's stubs do, a frozen clock, so that even the date_updated an
// update stamps agree. Run again after the recording, the session meets
// the world as the recording left it: the upstream and the replay must
// answer it alike, request by request, page by page.
func TestRecordingReplaysTheSession(t *testing.T) {
	t.Parallel()
	key := []byte("replay-page-token-key-0123456789")
	withKey := func(c *server.Config) { c.PageTokenKey = key }
	upstream := testkit.NewStubWith(t, testkit.World(), withKey)
	p, _ := proxyTo(t, upstream.URL, nil)

	for _, x := range runSession(t, p) {
		if want := statusOf(x.label); x.status != want {
			t.Fatalf("%s: %d through the proxy, want %d: %s", x.label, x.status, want, x.body)
		}
	}
	if vs := violationsOf(t, p, ""); len(vs) != 0 {
		t.Fatalf("a stub upstream broke the spec: %+v", vs)
	}

	r := adminCall(p, http.MethodGet, "/_stub/recording")
	if r.Status != http.StatusOK {
		t.Fatalf("GET /_stub/recording: %d %s", r.Status, r.Body)
	}
	for _, secret := range []string{testkit.TokenA, testkit.SecretA} {
		if bytes.Contains(r.Body, []byte(secret)) {
			t.Fatalf("the recording holds the secret %q", secret)
		}
	}
	var doc fixturesgen.Fixtures
	if err := json.Unmarshal(r.Body, &doc); err != nil {
		t.Fatal(err)
	}
	// What docs/proxy.md tells the user to do: set the real secrets.
	for i := range doc.Accounts {
		a := &doc.Accounts[i]
		if a.AuthToken != recording.PlaceholderSecret {
			t.Fatalf("account %s: auth token %q, want the placeholder", a.Sid, a.AuthToken)
		}
		a.AuthToken = testkit.TokenA
		for j := range a.ApiKeys {
			a.ApiKeys[j].Secret = testkit.SecretA
		}
	}
	world, err := fixtures.Parse(testkit.MustJSON(t, doc))
	if err != nil {
		t.Fatalf("the recording is not a valid fixture document: %v\n%s", err, r.Body)
	}
	replay := testkit.NewStubWith(t, world, withKey)

	want, got := runSession(t, upstream), runSession(t, replay)
	if len(got) != len(want) {
		t.Fatalf("the replay gave %d answers, the upstream %d", len(got), len(want))
	}
	identical := 0
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("%s: the replay answered %d %s\nthe upstream %d %s", want[i].label, got[i].status, got[i].body, want[i].status, want[i].body)
			continue
		}
		identical++
	}
	t.Logf("replay: %d of %d answers identical, status and body (%d session steps, pages followed; date_updated of the writes included: both stubs' clocks are frozen alike)",
		identical, len(want), len(session))
	for _, x := range want {
		t.Logf("  %-40s %d  %d bytes", x.label, x.status, len(x.body))
	}
}

// statusOf is the status the session's step (or page of it) expects.
func statusOf(label string) int {
	for _, st := range session {
		if label == st.name || strings.HasPrefix(label, st.name+", page") {
			return st.status
		}
	}
	return 0
}
