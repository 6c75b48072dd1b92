package server_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/twilio-stubs/userconversations/server/internal/testkit"
	"github.com/twilio-stubs/userconversations/server/internal/twilioerr"
	"github.com/twilio-stubs/userconversations/server/store"
)

// accountStrings is every identifying or secret string of an account: SIDs
// and credentials as they are (they show inside URLs too), identities, names
// and attributes as whole JSON strings ("Conversation 2" is not in
// "Conversation 2827").
func accountStrings(a store.Account) []string {
	out := []string{a.SID, a.AuthToken}
	quoted := func(s string) string { data, _ := json.Marshal(s); return string(data) }
	for _, k := range a.APIKeys {
		out = append(out, k.SID, k.Secret)
	}
	for _, svc := range a.Services {
		out = append(out, svc.SID)
		for _, u := range svc.Users {
			out = append(out, u.SID, quoted(u.Identity))
		}
		for _, c := range svc.Conversations {
			out = append(out, c.SID, quoted(c.Attributes))
			for _, p := range []*string{c.UniqueName, c.FriendlyName, c.CreatedBy} {
				if p != nil {
					out = append(out, quoted(*p))
				}
			}
			for _, p := range c.Participants {
				out = append(out, p.SID)
			}
		}
	}
	return out
}

// exclusiveTo is what of mine is not also in others (account B has an "alice" and
// a "general" of its own) and is specific enough to search for.
func exclusiveTo(mine, others []string) []string {
	var out []string
	for _, s := range mine {
		if len(s) >= 4 && s != `"{}"` && !slices.Contains(others, s) {
			out = append(out, s)
		}
	}
	return out
}

// leakedOf returns the first of secrets in body that the request did not
// carry itself (a 404 message repeats the path it was asked for).
func leakedOf(body []byte, path string, secrets []string) string {
	unescaped, _ := url.PathUnescape(path)
	for _, s := range secrets {
		bare := strings.Trim(s, `"`)
		if strings.Contains(string(body), s) && !strings.Contains(path, bare) && !strings.Contains(unescaped, bare) {
			return s
		}
	}
	return ""
}

// TestSecurityMatrix sends every kind of wrong or foreign credentials to
// every operation on account A's resources. Bad credentials get the one
// fixed 401, whatever they ask for; another account's good credentials get
// the same 404 as for a resource that does not exist; nothing of account A
// (nor of B, to a caller that proved nothing) is in any body, no body shows
// a stack trace or a source path, and nothing changes.
func TestSecurityMatrix(t *testing.T) {
	s := testkit.NewStubWith(t, badInputWorld(), nil)
	world := s.Snapshot(t)
	stringsA, stringsB := accountStrings(world.Accounts[0]), accountStrings(world.Accounts[1])
	onlyA, onlyB := exclusiveTo(stringsA, stringsB), exclusiveTo(stringsB, stringsA)
	anyAccount := append(slices.Clone(onlyA), onlyB...)
	tokenOfA := s.NextToken(t, testkit.UserPath(testkit.SID("US", 1))+"?PageSize=1")

	const form = "application/x-www-form-urlencoded"
	ghostUser, ghostConv, ghostService := testkit.SID("US", 0xdead), testkit.SID("CH", 0xdead), testkit.SID("IS", 0xdead)
	userA, convA, namedUserA, namedConvA := testkit.SID("US", 1), testkit.SID("CH", 1), testkit.SID("US", 0xa2), testkit.SID("CH", 0xa2)
	type target struct {
		name, method, path, ghost string // ghost: the same request for things that do not exist
		foreignStatus             int    // answer to account B's good credentials
	}
	targets := []target{
		{"fetch", http.MethodGet, testkit.UCPath(userA, convA), testkit.UCPath(ghostUser, ghostConv), 404},
		{"list", http.MethodGet, testkit.UserPath(userA), testkit.UserPath(ghostUser), 404},
		{"update", http.MethodPost, testkit.UCPath(userA, convA), testkit.UCPath(ghostUser, ghostConv), 404},
		{"delete", http.MethodDelete, testkit.UCPath(userA, convA), testkit.UCPath(ghostUser, ghostConv), 404},
		{"fetch, named service", http.MethodGet, testkit.InService(testkit.NamedA, testkit.UCPath(namedUserA, namedConvA)), testkit.InService(ghostService, testkit.UCPath(ghostUser, ghostConv)), 404},
		{"list, named service", http.MethodGet, testkit.InService(testkit.NamedA, testkit.UserPath(namedUserA)), testkit.InService(ghostService, testkit.UserPath(ghostUser)), 404},
		{"update, named service", http.MethodPost, testkit.InService(testkit.NamedA, testkit.UCPath(namedUserA, namedConvA)), testkit.InService(ghostService, testkit.UCPath(ghostUser, ghostConv)), 404},
		{"delete, named service", http.MethodDelete, testkit.InService(testkit.NamedA, testkit.UCPath(namedUserA, namedConvA)), testkit.InService(ghostService, testkit.UCPath(ghostUser, ghostConv)), 404},
		{"fetch by a unique_name of A only", http.MethodGet, testkit.UCPath("alice", "support"), testkit.UCPath("alice", "nothing-here"), 404},
		// The token is checked before the user is looked up: 400 for a
		// foreign token whether the user exists or not.
		{"list with A's page token", http.MethodGet, testkit.UserPath(userA) + "?PageToken=" + tokenOfA, testkit.UserPath(ghostUser) + "?PageToken=" + tokenOfA, 400},
	}
	creds := []struct {
		name    string
		auth    string // the Authorization header; "" sends none
		foreign bool   // good credentials of account B
	}{
		{"no credentials", "", false},
		{"wrong token", testkit.Basic(testkit.AccountA, "wrong0123456789"), false},
		{"account B's token for account A", testkit.Basic(testkit.AccountA, testkit.TokenB), false},
		{"account B's SID and token", testkit.Basic(testkit.AccountB, testkit.TokenB), true},
		{"account B's API key", testkit.Basic(testkit.KeyB, testkit.SecretB), true},
		{"API key with the wrong secret", testkit.Basic(testkit.KeyA, "wrong0123456789"), false},
		{"API key with account B's key secret", testkit.Basic(testkit.KeyA, testkit.SecretB), false},
		{"account SID with its API key secret", testkit.Basic(testkit.AccountA, testkit.SecretA), false},
		{"API key SID with the auth token", testkit.Basic(testkit.KeyA, testkit.TokenA), false},
		{"account SID in lower case", testkit.Basic(strings.ToLower(testkit.AccountA), testkit.TokenA), false},
		{"token with a trailing space", testkit.Basic(testkit.AccountA, testkit.TokenA+" "), false},
		{"token less its last character", testkit.Basic(testkit.AccountA, testkit.TokenA[:len(testkit.TokenA)-1]), false},
		{"Bearer auth token", "Bearer " + testkit.TokenA, false},
		{"Bearer API key secret", "Bearer " + testkit.SecretA, false},
		{"Bearer with Basic's payload", "Bearer " + strings.TrimPrefix(testkit.Basic(testkit.AccountA, testkit.TokenA), "Basic "), false},
	}

	before := s.Snapshot(t)
	var unauthorized []byte // every 401 body is this one
	for _, cr := range creds {
		for _, tg := range targets {
			t.Run(cr.name+"/"+tg.name, func(t *testing.T) {
				send := func(path string) testkit.Response {
					c := testkit.Call{Method: tg.method, Path: path, NoAuth: true}
					if cr.auth != "" {
						c.Header = testkit.AuthHeader(cr.auth)
					}
					if tg.method == http.MethodPost {
						c.ContentType, c.Body = form, strings.NewReader("NotificationLevel=muted&LastReadMessageIndex=0")
					}
					return s.Send(c)
				}
				r, ghost := send(tg.path), send(tg.ghost)
				if !cr.foreign {
					r.StrictError(t, http.StatusUnauthorized, twilioerr.CodeAuthenticate)
					if r.Header.Get("Www-Authenticate") == "" {
						t.Error("401 without WWW-Authenticate")
					}
					if unauthorized == nil {
						unauthorized = r.Body
					}
					if string(r.Body) != string(unauthorized) || string(ghost.Body) != string(unauthorized) {
						t.Fatalf("401 bodies differ:\n%s\n%s\n%s", r.Body, ghost.Body, unauthorized)
					}
					if leaked := leakedOf(r.Body, "", anyAccount); leaked != "" {
						t.Fatalf("401 body carries %q: %s", leaked, r.Body)
					}
					return
				}
				code := twilioerr.CodeNotFound
				if tg.foreignStatus == http.StatusBadRequest {
					code = twilioerr.CodeInvalidParameter
				}
				r.StrictError(t, tg.foreignStatus, code)
				if leaked := leakedOf(r.Body, tg.path, onlyA); leaked != "" {
					t.Fatalf("account B was shown %q of account A: %s", leaked, r.Body)
				}
				// Nothing tells account A's resource from one that does not
				// exist: the answers differ only by the path asked for.
				// (404 messages name the path without its /v1.)
				asked, other := strings.TrimPrefix(tg.path, "/v1"), strings.TrimPrefix(tg.ghost, "/v1")
				if string(ghost.Body) != strings.ReplaceAll(string(r.Body), asked, other) || ghost.Status != r.Status {
					t.Fatalf("A's resource and a missing one answer differently:\n%s\n%s", r.Body, ghost.Body)
				}
			})
		}
	}
	if !worldsEqual(before, s.Snapshot(t)) {
		t.Fatal("a refused request changed the state")
	}

	t.Run("credentials in the query string", func(t *testing.T) {
		q := url.Values{"AccountSid": {testkit.AccountA}, "AuthToken": {testkit.TokenA}}.Encode()
		r := s.Send(testkit.Call{Method: http.MethodGet, Path: testkit.UCPath(userA, convA) + "?" + q, NoAuth: true})
		r.StrictError(t, http.StatusUnauthorized, twilioerr.CodeAuthenticate)
	})
	t.Run("preflight without credentials", func(t *testing.T) {
		r := s.Send(testkit.Call{Method: http.MethodOptions, Path: testkit.UCPath(userA, convA), NoAuth: true})
		if r.Status != http.StatusNoContent || len(r.Body) != 0 {
			t.Fatalf("preflight: %d %q", r.Status, r.Body)
		}
	})
	t.Run("account B's names reach account B's resources only", func(t *testing.T) {
		uc := s.Request(http.MethodPost, testkit.UCPath("alice", "general"), url.Values{"NotificationLevel": {"muted"}}, testkit.KeyB, testkit.SecretB).UserConversation(t)
		if *uc.AccountSid != testkit.AccountB {
			t.Fatalf("account B updated a user conversation of %s", *uc.AccountSid)
		}
		r := s.Request(http.MethodGet, testkit.UCPath("alice", "general"), nil, testkit.KeyB, testkit.SecretB)
		if leaked := leakedOf(r.Body, "", onlyA); leaked != "" {
			t.Fatalf("account B was shown %q of account A: %s", leaked, r.Body)
		}
		if got := s.Request(http.MethodGet, testkit.UCPath("alice", "general"), nil).UserConversation(t); got.NotificationLevel != "default" {
			t.Fatalf("account B's update reached account A: %s", got.NotificationLevel)
		}
	})
}
