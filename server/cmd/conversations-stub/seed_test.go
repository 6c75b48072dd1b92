package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/twilio-stubs/userconversations/server/fixtures"
)

// Two fixture files, one account each.
const (
	fixturesA = `accounts:
  - sid: AC00000000000000000000000000000001
    auth_token: tokenone
    services:
      - users: [{identity: alice}]
        conversations:
          - unique_name: room
            message_count: 10
            participants: [{user: alice}]
`
	fixturesB = `accounts:
  - sid: AC00000000000000000000000000000002
    auth_token: tokentwo
    services:
      - users: [{identity: bob}]
        conversations:
          - unique_name: hall
            participants: [{user: bob}]
`
	credsA = "AC00000000000000000000000000000001:tokenone"
	credsB = "AC00000000000000000000000000000002:tokentwo"
)

const seedAdminToken = "seed-admin-token"

// The rules of seeding, on each durable store:
//   - --fixtures seeds a store that holds no world;
//   - a store that holds one keeps it, updates included, whatever the
//     fixtures given at the next start;
//   - POST /_stub/reset returns it to the fixtures of the stub answering
//     (a fixture document always has an account: no admin call empties a
//     store).
func TestSeedingRules(t *testing.T) {
	a, b := writeFile(t, "a.yaml", fixturesA), writeFile(t, "b.yaml", fixturesB)
	for _, e := range durableEngines {
		t.Run(e.name, func(t *testing.T) {
			st := e.newStore(t)
			env := map[string]string{"STUB_STORE": st, "STUB_ADMIN_TOKEN": seedAdminToken}

			first := runStub(t, env, "--fixtures", a)
			if !strings.Contains(first.stdout.String(), "fixtures: 1 account(s)") {
				t.Errorf("first start on an empty store: %s", first.stdout)
			}
			mustStatus(t, first.url, http.MethodPost, "/v1/Users/alice/Conversations/room", credsA, "LastReadMessageIndex=5", http.StatusOK)
			if code := first.stop(); code != exitOK {
				t.Fatalf("exit %d: %s", code, first.stderr)
			}

			second := runStub(t, env, "--fixtures", b)
			if !strings.Contains(second.stdout.String(), "holds a world already") {
				t.Errorf("start on a store holding a world: %s", second.stdout)
			}
			if got := mustStatus(t, second.url, http.MethodGet, "/v1/Users/alice/Conversations/room", credsA, "", http.StatusOK); !strings.Contains(got, `"last_read_message_index":5`) {
				t.Errorf("the update made before the restart: %s", got)
			}
			mustStatus(t, second.url, http.MethodGet, "/v1/Users/bob/Conversations", credsB, "", http.StatusUnauthorized)

			mustStatus(t, second.url, http.MethodPost, "/_stub/reset", seedAdminToken, "", http.StatusNoContent)
			mustStatus(t, second.url, http.MethodGet, "/v1/Users/bob/Conversations/hall", credsB, "", http.StatusOK)
			mustStatus(t, second.url, http.MethodGet, "/v1/Users/alice/Conversations", credsA, "", http.StatusUnauthorized)
			// One account back to the fixtures of this stub, B's.
			mustStatus(t, second.url, http.MethodPost, "/v1/Users/bob/Conversations/hall", credsB, "NotificationLevel=muted", http.StatusOK)
			mustStatus(t, second.url, http.MethodPost, "/_stub/reset?account=AC00000000000000000000000000000002", seedAdminToken, "", http.StatusNoContent)
			if got := mustStatus(t, second.url, http.MethodGet, "/v1/Users/bob/Conversations/hall", credsB, "", http.StatusOK); !strings.Contains(got, `"notification_level":"default"`) {
				t.Errorf("after a one-account reset: %s", got)
			}
			mustStatus(t, second.url, http.MethodPost, "/_stub/reset?account=AC00000000000000000000000000000001", seedAdminToken, "", http.StatusNotFound)

		})
	}
}

// A bad fixtures file stops the stub with status 2 even when the store
// held a world, and the stub started serving before it read the file.
func TestBadFixturesOnAStoreHoldingAWorld(t *testing.T) {
	for _, admin := range []string{"", seedAdminToken} {
		st := sqliteEngine.newStore(t)
		env := map[string]string{"STUB_STORE": st, "STUB_ADMIN_TOKEN": admin}
		runStub(t, env).stop()
		bad := writeFile(t, "bad.yaml", "accounts:\n  - sid: nope\n")
		p := runStub(t, env, "--fixtures", bad)
		select {
		case code := <-p.done:
			p.done <- code
			if code != exitUsage || !strings.Contains(p.stderr.String(), "bad fixtures") || !strings.Contains(p.stderr.String(), "accounts[0].sid") {
				t.Errorf("admin %q: exit %d: %s", admin, code, p.stderr)
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("admin %q: still serving with bad fixtures", admin)
		}
	}
}

// Export, import (replace and merge) and reset work alike on every store.
func TestStateOnEveryEngine(t *testing.T) {
	for _, e := range allEngines {
		t.Run(e.name, func(t *testing.T) {
			p := runStub(t, map[string]string{"STUB_STORE": e.newStore(t), "STUB_ADMIN_TOKEN": seedAdminToken})
			demo := fixtures.DemoAccountSID + ":" + fixtures.DemoAuthToken
			exported := mustStatus(t, p.url, http.MethodGet, "/_stub/state", seedAdminToken, "", http.StatusOK)

			mustStatus(t, p.url, http.MethodPost, "/v1/Users/alice/Conversations/general", demo, "LastReadMessageIndex=3", http.StatusOK)
			mustStatus(t, p.url, http.MethodDelete, "/v1/Users/bob/Conversations/general", demo, "", http.StatusNoContent)
			changed := mustStatus(t, p.url, http.MethodGet, "/_stub/state", seedAdminToken, "", http.StatusOK)
			if changed == exported {
				t.Fatal("the export did not change with the world")
			}
			if got := mustStatus(t, p.url, http.MethodPut, "/_stub/state", seedAdminToken, exported, http.StatusOK); !sameJSON(t, got, exported) {
				t.Errorf("PUT of the first export answered another state")
			}
			if got := mustStatus(t, p.url, http.MethodGet, "/_stub/state", seedAdminToken, "", http.StatusOK); !sameJSON(t, got, exported) {
				t.Errorf("export, import, export differ")
			}

			merged := mustStatus(t, p.url, http.MethodPost, "/_stub/state", seedAdminToken,
				`{"accounts": [{"sid": "AC00000000000000000000000000000009", "auth_token": "ninetoken", "services": [{"users": [{"identity": "zed"}]}]}]}`, http.StatusOK)
			if !strings.Contains(merged, "AC00000000000000000000000000000009") || !strings.Contains(merged, fixtures.DemoAccountSID) {
				t.Errorf("a merge: %s", merged)
			}
			mustStatus(t, p.url, http.MethodGet, "/v1/Users/zed/Conversations", "AC00000000000000000000000000000009:ninetoken", "", http.StatusOK)
			mustStatus(t, p.url, http.MethodPut, "/_stub/state", seedAdminToken, `{"accounts": [{"sid": "nope"}]}`, http.StatusBadRequest)

			mustStatus(t, p.url, http.MethodPost, "/_stub/reset", seedAdminToken, "", http.StatusNoContent)
			if got := mustStatus(t, p.url, http.MethodGet, "/_stub/state", seedAdminToken, "", http.StatusOK); !sameJSON(t, got, exported) {
				t.Errorf("reset did not return to the demo world")
			}
		})
	}
}

// mustStatus is call, failing unless the status is want; it returns the
// body.
func mustStatus(t *testing.T, base, method, path, credentials, body string, want int) string {
	t.Helper()
	out, ok := checkStatus(t, base, method, path, credentials, body, want)
	if !ok {
		t.FailNow()
	}
	return out
}

// checkStatus is mustStatus without the stop: it reports a failed request
// or a status other than want with t.Errorf and returns false, so that a
// goroutine other than the test's can use it and return.
func checkStatus(t *testing.T, base, method, path, credentials, body string, want int) (string, bool) {
	t.Helper()
	status, out, err := request(base, method, path, credentials, body)
	if err != nil {
		t.Errorf("%s %s: %v", method, path, err)
		return "", false
	}
	if status != want {
		t.Errorf("%s %s: %d, want %d: %s", method, path, status, want, out)
		return out, false
	}
	return out, true
}

// sameJSON reports whether two JSON documents hold the same values.
func sameJSON(t *testing.T, a, b string) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal([]byte(a), &x); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(b), &y); err != nil {
		t.Fatal(err)
	}
	xs, _ := json.Marshal(x)
	ys, _ := json.Marshal(y)
	return string(xs) == string(ys)
}
