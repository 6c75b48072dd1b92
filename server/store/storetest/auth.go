package storetest

import (
	"context"
	"testing"

	"github.com/twilio-stubs/userconversations/server/internal/testkit"
	"github.com/twilio-stubs/userconversations/server/store"
)

func testAuthenticate(t *testing.T, newStore newStoreFunc) {
	s := loaded(t, newStore, fixtureWorld())
	tests := []struct {
		name               string
		username, password string
		want               string // "" means ErrUnauthenticated
	}{
		{"account and auth token", acA, "token-a", acA},
		{"other account", acB, "token-b", acB},
		{"account without services", acC, "token-c", acC},
		{"API key and secret", skA, "secret-a", acA},
		{"other account's API key", skB, "secret-b", acB},

		{"wrong auth token", acA, "token-b", ""},
		{"auth token prefix", acA, "token-", ""},
		{"auth token with a suffix", acA, "token-aa", ""},
		{"empty password", acA, "", ""},
		{"API key secret as auth token", acA, "secret-a", ""},
		{"auth token as API key secret", skA, "token-a", ""},
		{"wrong API key secret", skA, "secret-b", ""},
		{"unknown account", testkit.SID("AC", 0xF), "token-a", ""},
		{"unknown API key", testkit.SID("SK", 0xF), "secret-a", ""},
		{"service SID", isA1, "token-a", ""},
		{"empty credentials", "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.Authenticate(context.Background(), tt.username, tt.password)
			if tt.want == "" {
				wantErr(t, "Authenticate", err, store.ErrUnauthenticated)
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("Authenticate = %q, %v; want %s", got, err, tt.want)
			}
		})
	}
}
