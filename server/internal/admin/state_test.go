package admin_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	admingen "github.com/twilio-stubs/userconversations/gen/admin"
	fixturesgen "github.com/twilio-stubs/userconversations/gen/fixtures"
	"github.com/twilio-stubs/userconversations/server/fixtures"
	"github.com/twilio-stubs/userconversations/server/internal/twilioerr"
	"github.com/twilio-stubs/userconversations/server/store"
	"github.com/twilio-stubs/userconversations/server/stubtest"
)

// changeBothAccounts changes, through the Twilio API, something in each
// account: an update and a removal in A, an update in B.
func changeBothAccounts(t *testing.T, stub *stubtest.Stub) {
	t.Helper()
	for _, a := range []answer{
		twilio(t, stub, http.MethodPost, fetchGeneral, url.Values{"LastReadMessageIndex": {"7"}, "NotificationLevel": {"muted"}}),
		twilio(t, stub, http.MethodDelete, "/v1/Users/alice/Conversations/random", nil),
		send(t, http.MethodPost, stub.URL+fetchGeneral, url.Values{"LastReadMessageIndex": {"0"}}, basic(accountB, tokenB)),
	} {
		if a.status >= 300 {
			t.Fatalf("change: %d %s", a.status, a.body)
		}
	}
}

func account(w store.World, sid string) (store.Account, bool) {
	i := slices.IndexFunc(w.Accounts, func(a store.Account) bool { return a.SID == sid })
	if i < 0 {
		return store.Account{}, false
	}
	return w.Accounts[i], true
}

func TestResetRestoresTheFixturesExactly(t *testing.T) {
	stub := newStub(t)
	initial := snapshot(t, stub.Store)
	changeBothAccounts(t, stub)
	if slicesEqualWorld(snapshot(t, stub.Store), initial) {
		t.Fatal("the changes did not change the state")
	}
	resp, err := stub.Admin().ResetStateWithResponse(t.Context(), nil)
	if err != nil || resp.StatusCode() != http.StatusNoContent {
		t.Fatalf("reset: %v %d %s", err, resp.StatusCode(), resp.Body)
	}
	sameWorld(t, snapshot(t, stub.Store), initial, "after reset")
	// Twice in a row changes nothing.
	if resp, err = stub.Admin().ResetStateWithResponse(t.Context(), &admingen.ResetStateParams{}); err != nil || resp.StatusCode() != http.StatusNoContent {
		t.Fatalf("second reset: %v %d", err, resp.StatusCode())
	}
	sameWorld(t, snapshot(t, stub.Store), initial, "after a second reset")
}

// A reset goes back to the fixtures loaded at start, not to a state seeded
// later.
func TestResetIgnoresLaterSeeds(t *testing.T) {
	stub := newStub(t)
	initial := snapshot(t, stub.Store)
	seed := fixturesgen.Fixtures{Accounts: []fixturesgen.Account{{Sid: "AC00000000000000000000000000000001", AuthToken: "seed1", Services: []fixturesgen.Service{{}}}}}
	if resp, err := stub.Admin().ReplaceStateWithResponse(t.Context(), seed); err != nil || resp.JSON200 == nil {
		t.Fatalf("replace: %v %d %s", err, resp.StatusCode(), resp.Body)
	}
	if resp, err := stub.Admin().ResetStateWithResponse(t.Context(), nil); err != nil || resp.StatusCode() != http.StatusNoContent {
		t.Fatalf("reset: %v", err)
	}
	sameWorld(t, snapshot(t, stub.Store), initial, "after seeding and reset")
}

func TestResetOneAccount(t *testing.T) {
	stub := newStub(t)
	initial := snapshot(t, stub.Store)
	changeBothAccounts(t, stub)
	changed := snapshot(t, stub.Store)

	resp, err := stub.Admin().ResetStateWithResponse(t.Context(), &admingen.ResetStateParams{Account: new(accountA)})
	if err != nil || resp.StatusCode() != http.StatusNoContent {
		t.Fatalf("reset A: %v %d %s", err, resp.StatusCode(), resp.Body)
	}
	after := snapshot(t, stub.Store)
	wantA, _ := account(initial, accountA)
	gotA, _ := account(after, accountA)
	sameWorld(t, store.World{Accounts: []store.Account{gotA}}, store.World{Accounts: []store.Account{wantA}}, "account A after its reset")
	changedB, _ := account(changed, accountB)
	gotB, _ := account(after, accountB)
	sameWorld(t, store.World{Accounts: []store.Account{gotB}}, store.World{Accounts: []store.Account{changedB}}, "account B after A's reset")
	if after.Accounts[0].SID != accountA || after.Accounts[1].SID != accountB {
		t.Fatal("a reset account moved")
	}
}

// An account removed by a replace comes back, at the end.
func TestResetOneAccountBringsItBack(t *testing.T) {
	stub := newStub(t)
	initial := snapshot(t, stub.Store)
	onlyB := fixtures.FromWorld(store.World{Accounts: initial.Accounts[1:]})
	if resp, err := stub.Admin().ReplaceStateWithResponse(t.Context(), onlyB); err != nil || resp.JSON200 == nil {
		t.Fatalf("replace: %v %s", err, resp.Body)
	}
	if resp, err := stub.Admin().ResetStateWithResponse(t.Context(), &admingen.ResetStateParams{Account: new(accountA)}); err != nil || resp.StatusCode() != http.StatusNoContent {
		t.Fatalf("reset A: %v %d %s", err, resp.StatusCode(), resp.Body)
	}
	after := snapshot(t, stub.Store)
	sameWorld(t, after, store.World{Accounts: []store.Account{initial.Accounts[1], initial.Accounts[0]}}, "after A came back")
}

func TestResetRefusals(t *testing.T) {
	stub := newStub(t)
	initial := snapshot(t, stub.Store)
	tests := []struct {
		name, query  string
		status, code int
	}{
		{"account not in the fixtures", "?account=AC00000000000000000000000000000009", 404, twilioerr.CodeNotFound},
		{"not an account SID", "?account=ACnope", 400, twilioerr.CodeInvalidParameter},
		{"an empty account", "?account=", 400, twilioerr.CodeInvalidParameter},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			send(t, http.MethodPost, stub.URL+"/_stub/reset"+tt.query, nil, bearer(adminToken)).TwilioError(t, tt.status, tt.code)
			sameWorld(t, snapshot(t, stub.Store), initial, "after a refused reset")
		})
	}
}

func TestExportResetImportGivesTheSameState(t *testing.T) {
	stub := newStub(t)
	changeBothAccounts(t, stub)
	changed := snapshot(t, stub.Store)
	admin := stub.Admin()

	exported, err := admin.ExportStateWithResponse(t.Context())
	if err != nil || exported.JSON200 == nil {
		t.Fatalf("export: %v %d %s", err, exported.StatusCode(), exported.Body)
	}
	if want := fixtures.FromWorld(changed); !jsonEqual(*exported.JSON200, want) {
		t.Fatalf("the export is not fixtures.FromWorld of the state:\n%s", exported.Body)
	}
	if resp, err := admin.ResetStateWithResponse(t.Context(), nil); err != nil || resp.StatusCode() != http.StatusNoContent {
		t.Fatalf("reset: %v", err)
	}
	imported, err := admin.ReplaceStateWithResponse(t.Context(), *exported.JSON200)
	if err != nil || imported.JSON200 == nil {
		t.Fatalf("import: %v %d %s", err, imported.StatusCode(), imported.Body)
	}
	sameWorld(t, snapshot(t, stub.Store), changed, "after export, reset, import")
	if !bytes.Equal(imported.Body, exported.Body) {
		t.Fatalf("PUT answered a different state than was exported:\n%s\n%s", imported.Body, exported.Body)
	}
}

const seedYAML = `
accounts:
  - sid: AC00000000000000000000000000000001
    auth_token: seedtoken1
    services:
      - users:
          - identity: alice
        conversations:
          - unique_name: support
            message_count: 50
            date_created: 2024-02-01T10:00:00Z   # unquoted, as YAML allows
            participants:
              - user: alice
                last_read_message_index: 10
`

func TestReplaceState(t *testing.T) {
	for _, contentType := range []string{"application/yaml", "application/x-yaml", "application/yaml; charset=utf-8"} {
		t.Run(contentType, func(t *testing.T) {
			stub := newStub(t)
			resp, err := stub.Admin().ReplaceStateWithBodyWithResponse(t.Context(), contentType, strings.NewReader(seedYAML))
			if err != nil || resp.JSON200 == nil {
				t.Fatalf("replace: %v %d %s", err, resp.StatusCode(), resp.Body)
			}
			want, err := fixtures.Parse([]byte(seedYAML))
			if err != nil {
				t.Fatal(err)
			}
			sameWorld(t, snapshot(t, stub.Store), want, "after replace")
			if !jsonEqual(*resp.JSON200, fixtures.FromWorld(want)) {
				t.Fatalf("PUT answered %s", resp.Body)
			}
			// The new account's credentials work; the old ones are gone.
			seeded := send(t, http.MethodGet, stub.URL+"/v1/Users/alice/Conversations/support", nil, basic("AC00000000000000000000000000000001", "seedtoken1"))
			if seeded.status != http.StatusOK {
				t.Fatalf("seeded account: %d %s", seeded.status, seeded.body)
			}
			twilio(t, stub, http.MethodGet, fetchGeneral, nil).TwilioError(t, http.StatusUnauthorized, twilioerr.CodeAuthenticate)
		})
	}
}

func TestMergeState(t *testing.T) {
	stub := newStub(t)
	initial := snapshot(t, stub.Store)
	// B's token, used (and so remembered by the credential check) before
	// the merge replaces it, is refused at once after.
	asB := func(token string) int {
		return send(t, http.MethodGet, stub.URL+"/v1/Users/zed/Conversations", nil, basic(accountB, token)).status
	}
	asB(tokenB)
	doc := `{"accounts": [
	  {"sid": "` + accountB + `", "auth_token": "newBtoken", "services": [{"users": [{"identity": "zed"}]}]},
	  {"sid": "AC00000000000000000000000000000003", "auth_token": "third", "services": [{}]}
	]}`
	resp, err := stub.Admin().MergeStateWithBodyWithResponse(t.Context(), "application/json", strings.NewReader(doc))
	if err != nil || resp.JSON200 == nil {
		t.Fatalf("merge: %v %d %s", err, resp.StatusCode(), resp.Body)
	}
	parsed, err := fixtures.Parse([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	// A is untouched, B replaced in its place, the new account appended.
	want := store.World{Accounts: []store.Account{initial.Accounts[0], parsed.Accounts[0], parsed.Accounts[1]}}
	sameWorld(t, snapshot(t, stub.Store), want, "after merge")
	if old, updated := asB(tokenB), asB("newBtoken"); old != http.StatusUnauthorized || updated != http.StatusOK {
		t.Fatalf("after the merge: the old token %d, the new %d", old, updated)
	}
	if !jsonEqual(*resp.JSON200, fixtures.FromWorld(want)) {
		t.Fatalf("POST answered %s", resp.Body)
	}

	// The typed client sends the same document as JSON.
	var typed fixturesgen.Fixtures
	if err := json.Unmarshal([]byte(doc), &typed); err != nil {
		t.Fatal(err)
	}
	if resp, err := stub.Admin().MergeStateWithResponse(t.Context(), typed); err != nil || resp.JSON200 == nil {
		t.Fatalf("typed merge: %v %d %s", err, resp.StatusCode(), resp.Body)
	}
	sameWorld(t, snapshot(t, stub.Store), want, "after merging again")
}

func TestInvalidDocumentsChangeNothing(t *testing.T) {
	stub := newStub(t)
	initial := snapshot(t, stub.Store)
	tests := []struct {
		name, contentType, body, mentions string
	}{
		{"bad account SID", "application/json", `{"accounts":[{"sid":"ACnope","auth_token":"x","services":[{}]}]}`, "accounts[0].sid"},
		{"bad account SID in YAML", "application/yaml", "accounts:\n  - sid: ACnope\n    auth_token: x\n    services: [{}]\n", "accounts[0].sid"},
		{"unknown field", "application/json", `{"accounts":[{"sid":"AC00000000000000000000000000000001","auth_token":"x","services":[{"userz":[]}]}]}`, "accounts[0].services[0]"},
		{"duplicate identity", "application/yaml", "accounts:\n  - sid: AC00000000000000000000000000000001\n    auth_token: x\n    services:\n      - users: [{identity: a}, {identity: a}]\n", "accounts[0].services[0].users[1].identity"},
		{"participant of an unknown user", "application/json", `{"accounts":[{"sid":"AC00000000000000000000000000000001","auth_token":"x","services":[{"conversations":[{"participants":[{"user":"ghost"}]}]}]}]}`, "ghost"},
		{"no accounts", "application/json", `{"accounts":[]}`, "accounts"},
		{"not YAML", "application/yaml", "accounts: [ :", "request body"},
		{"not JSON", "application/json", "{", "request body"},
		{"empty", "application/json", "", "request body"},
		{"plain text", "text/plain", "accounts: []", "Content-Type"},
		{"a date past the year 9999 in UTC", "application/yaml", "accounts:\n  - sid: AC00000000000000000000000000000001\n    auth_token: x\n    services:\n      - conversations: [{date_created: \"9999-12-31T23:59:59-00:01\"}]\n", "accounts[0].services[0].conversations[0].date_created"},
	}
	for _, tt := range tests {
		for _, method := range []string{http.MethodPut, http.MethodPost} {
			t.Run(tt.name+" "+method, func(t *testing.T) {
				req, err := http.NewRequestWithContext(t.Context(), method, stub.URL+"/_stub/state", strings.NewReader(tt.body))
				if err != nil {
					t.Fatal(err)
				}
				req.Header.Set("Content-Type", tt.contentType)
				bearer(adminToken)(req)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				var e struct {
					Code    int    `json:"code"`
					Message string `json:"message"`
				}
				if err := json.NewDecoder(resp.Body).Decode(&e); err != nil {
					t.Fatal(err)
				}
				if resp.StatusCode != http.StatusBadRequest || e.Code != twilioerr.CodeInvalidParameter || !strings.Contains(e.Message, tt.mentions) {
					t.Fatalf("%d %d %q, want 400 mentioning %q", resp.StatusCode, e.Code, e.Message, tt.mentions)
				}
				sameWorld(t, snapshot(t, stub.Store), initial, "after a refused document")
			})
		}
	}
}

// A merge whose result breaks the world's invariants changes nothing: here
// the new account reuses account A's service SID.
func TestMergeConflictChangesNothing(t *testing.T) {
	stub := newStub(t)
	initial := snapshot(t, stub.Store)
	doc := fixturesgen.Fixtures{Accounts: []fixturesgen.Account{{
		Sid: "AC00000000000000000000000000000003", AuthToken: "third",
		Services: []fixturesgen.Service{{Sid: initial.Accounts[0].Services[0].SID}},
	}}}
	resp, err := stub.Admin().MergeStateWithResponse(t.Context(), doc)
	if err != nil {
		t.Fatal(err)
	}
	if resp.JSON400 == nil || !strings.Contains(resp.JSON400.Message, "duplicate service SID") {
		t.Fatalf("merge with a conflict: %d %s", resp.StatusCode(), resp.Body)
	}
	sameWorld(t, snapshot(t, stub.Store), initial, "after a refused merge")
}

func jsonEqual(a, b any) bool {
	x, err1 := json.Marshal(a)
	y, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && bytes.Equal(x, y)
}

func slicesEqualWorld(a, b store.World) bool {
	return jsonEqual(fixtures.FromWorld(a), fixtures.FromWorld(b))
}
