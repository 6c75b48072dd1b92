package server_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/twilio-stubs/userconversations/server"
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
	s := newStubWith(t, badInputWorld(), nil)
	world := s.snapshot(t)
	stringsA, stringsB := accountStrings(world.Accounts[0]), accountStrings(world.Accounts[1])
	onlyA, onlyB := exclusiveTo(stringsA, stringsB), exclusiveTo(stringsB, stringsA)
	anyAccount := append(slices.Clone(onlyA), onlyB...)
	tokenOfA := s.nextToken(t, userPath(sid("US", 1))+"?PageSize=1")

	const form = "application/x-www-form-urlencoded"
	ghostUser, ghostConv, ghostService := sid("US", 0xdead), sid("CH", 0xdead), sid("IS", 0xdead)
	userA, convA, namedUserA, namedConvA := sid("US", 1), sid("CH", 1), sid("US", 0xa2), sid("CH", 0xa2)
	type target struct {
		name, method, path, ghost string // ghost: the same request for things that do not exist
		foreignStatus             int    // answer to account B's good credentials
	}
	targets := []target{
		{"fetch", http.MethodGet, ucPath(userA, convA), ucPath(ghostUser, ghostConv), 404},
		{"list", http.MethodGet, userPath(userA), userPath(ghostUser), 404},
		{"update", http.MethodPost, ucPath(userA, convA), ucPath(ghostUser, ghostConv), 404},
		{"delete", http.MethodDelete, ucPath(userA, convA), ucPath(ghostUser, ghostConv), 404},
		{"fetch, named service", http.MethodGet, inService(namedA, ucPath(namedUserA, namedConvA)), inService(ghostService, ucPath(ghostUser, ghostConv)), 404},
		{"list, named service", http.MethodGet, inService(namedA, userPath(namedUserA)), inService(ghostService, userPath(ghostUser)), 404},
		{"update, named service", http.MethodPost, inService(namedA, ucPath(namedUserA, namedConvA)), inService(ghostService, ucPath(ghostUser, ghostConv)), 404},
		{"delete, named service", http.MethodDelete, inService(namedA, ucPath(namedUserA, namedConvA)), inService(ghostService, ucPath(ghostUser, ghostConv)), 404},
		{"fetch by a unique_name of A only", http.MethodGet, ucPath("alice", "support"), ucPath("alice", "nothing-here"), 404},
		// The token is checked before the user is looked up: 400 for a
		// foreign token whether the user exists or not.
		{"list with A's page token", http.MethodGet, userPath(userA) + "?PageToken=" + tokenOfA, userPath(ghostUser) + "?PageToken=" + tokenOfA, 400},
	}
	creds := []struct {
		name    string
		auth    string // the Authorization header; "" sends none
		foreign bool   // good credentials of account B
	}{
		{"no credentials", "", false},
		{"wrong token", basic(accountA, "wrong0123456789"), false},
		{"account B's token for account A", basic(accountA, tokenB), false},
		{"account B's SID and token", basic(accountB, tokenB), true},
		{"account B's API key", basic(keyB, secretB), true},
		{"API key with the wrong secret", basic(keyA, "wrong0123456789"), false},
		{"API key with account B's key secret", basic(keyA, secretB), false},
		{"account SID with its API key secret", basic(accountA, secretA), false},
		{"API key SID with the auth token", basic(keyA, tokenA), false},
		{"account SID in lower case", basic(strings.ToLower(accountA), tokenA), false},
		{"token with a trailing space", basic(accountA, tokenA+" "), false},
		{"token less its last character", basic(accountA, tokenA[:len(tokenA)-1]), false},
		{"Bearer auth token", "Bearer " + tokenA, false},
		{"Bearer API key secret", "Bearer " + secretA, false},
		{"Bearer with Basic's payload", "Bearer " + strings.TrimPrefix(basic(accountA, tokenA), "Basic "), false},
	}

	before := s.snapshot(t)
	var unauthorized []byte // every 401 body is this one
	for _, cr := range creds {
		for _, tg := range targets {
			t.Run(cr.name+"/"+tg.name, func(t *testing.T) {
				send := func(path string) response {
					c := call{method: tg.method, path: path, noAuth: true}
					if cr.auth != "" {
						c.header = authHeader(cr.auth)
					}
					if tg.method == http.MethodPost {
						c.contentType, c.body = form, strings.NewReader("NotificationLevel=muted&LastReadMessageIndex=0")
					}
					return s.send(c)
				}
				r, ghost := send(tg.path), send(tg.ghost)
				if !cr.foreign {
					r.strictError(t, http.StatusUnauthorized, server.CodeAuthenticate)
					if r.header.Get("Www-Authenticate") == "" {
						t.Error("401 without WWW-Authenticate")
					}
					if unauthorized == nil {
						unauthorized = r.body
					}
					if string(r.body) != string(unauthorized) || string(ghost.body) != string(unauthorized) {
						t.Fatalf("401 bodies differ:\n%s\n%s\n%s", r.body, ghost.body, unauthorized)
					}
					if leaked := leakedOf(r.body, "", anyAccount); leaked != "" {
						t.Fatalf("401 body carries %q: %s", leaked, r.body)
					}
					return
				}
				code := server.CodeNotFound
				if tg.foreignStatus == http.StatusBadRequest {
					code = server.CodeInvalidParameter
				}
				r.strictError(t, tg.foreignStatus, code)
				if leaked := leakedOf(r.body, tg.path, onlyA); leaked != "" {
					t.Fatalf("account B was shown %q of account A: %s", leaked, r.body)
				}
				// Nothing tells account A's resource from one that does not
				// exist: the answers differ only by the path asked for.
				if string(ghost.body) != strings.ReplaceAll(string(r.body), tg.path, tg.ghost) || ghost.status != r.status {
					t.Fatalf("A's resource and a missing one answer differently:\n%s\n%s", r.body, ghost.body)
				}
			})
		}
	}
	if !worldsEqual(before, s.snapshot(t)) {
		t.Fatal("a refused request changed the state")
	}

	t.Run("credentials in the query string", func(t *testing.T) {
		q := url.Values{"AccountSid": {accountA}, "AuthToken": {tokenA}}.Encode()
		r := s.send(call{method: http.MethodGet, path: ucPath(userA, convA) + "?" + q, noAuth: true})
		r.strictError(t, http.StatusUnauthorized, server.CodeAuthenticate)
	})
	t.Run("preflight without credentials", func(t *testing.T) {
		r := s.send(call{method: http.MethodOptions, path: ucPath(userA, convA), noAuth: true})
		if r.status != http.StatusNoContent || len(r.body) != 0 {
			t.Fatalf("preflight: %d %q", r.status, r.body)
		}
	})
	t.Run("account B's names reach account B's resources only", func(t *testing.T) {
		uc := s.request(http.MethodPost, ucPath("alice", "general"), url.Values{"NotificationLevel": {"muted"}}, keyB, secretB).userConversation(t)
		if *uc.AccountSid != accountB {
			t.Fatalf("account B updated a user conversation of %s", *uc.AccountSid)
		}
		r := s.request(http.MethodGet, ucPath("alice", "general"), nil, keyB, secretB)
		if leaked := leakedOf(r.body, "", onlyA); leaked != "" {
			t.Fatalf("account B was shown %q of account A: %s", leaked, r.body)
		}
		if got := s.request(http.MethodGet, ucPath("alice", "general"), nil).userConversation(t); got.NotificationLevel != "default" {
			t.Fatalf("account B's update reached account A: %s", got.NotificationLevel)
		}
	})
}
