package store_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/twilio-stubs/userconversations/server/internal/testkit"
	"github.com/twilio-stubs/userconversations/server/store"
)

// TestWorldValidate checks where in the World a broken invariant is
// reported. storetest checks every store refuses such worlds; this checks
// the path and the reason, including the invariants beyond the contract:
// SIDs must have the shape the API's schema gives them, identities and
// unique_names must not be empty.
func TestWorldValidate(t *testing.T) {
	svc := func(w *store.World) *store.Service { return &w.Accounts[0].Services[0] }
	tests := []struct {
		name string
		brk  func(w *store.World)
		want string // "" means valid
	}{
		{"the test world", func(*store.World) {}, ""},
		{"an empty world", func(w *store.World) { *w = store.World{} }, ""},
		{"participant of a user of another service", func(w *store.World) {
			svc(w).Conversations[3].Participants[0].UserSID = testkit.SID("US", 0xa2)
		}, fmt.Sprintf(`accounts[0].services[0].conversations[3].participants[0]: user "%s" not in service`, testkit.SID("US", 0xa2))},
		{"user twice in a conversation", func(w *store.World) {
			c := &svc(w).Conversations[4]
			c.Participants = append(c.Participants, store.Participant{SID: testkit.SID("MB", 0xff), UserSID: c.Participants[1].UserSID, NotificationLevel: store.NotificationLevelDefault})
		}, fmt.Sprintf(`accounts[0].services[0].conversations[4].participants[5]: user "%s" is already a participant`, testkit.SID("US", 11))},
		{"duplicate API key across accounts", func(w *store.World) { w.Accounts[1].APIKeys[0].SID = testkit.KeyA },
			fmt.Sprintf(`accounts[1].apiKeys[0]: duplicate API key SID "%s"`, testkit.KeyA)},
		{"duplicate identity", func(w *store.World) { svc(w).Users[1].Identity = "alice" }, `accounts[0].services[0].users[1]: duplicate identity "alice"`},
		{"account SID of the wrong kind", func(w *store.World) { w.Accounts[0].SID = testkit.SID("AK", 1) }, "accounts[0]: SID"},
		{"short API key SID", func(w *store.World) {
			w.Accounts[0].APIKeys = []store.APIKey{{SID: "SK1", Secret: "s"}}
		}, `accounts[0].apiKeys[0]: SID "SK1" is not SK followed by 32 hex digits`},
		{"service SID with a non-hex digit", func(w *store.World) { svc(w).SID = "IS" + strings.Repeat("g", 32) }, "accounts[0].services[0]: SID"},
		{"user SID in lower case prefix", func(w *store.World) { svc(w).Users[1].SID = "us" + strings.Repeat("0", 32) }, "accounts[0].services[0].users[1]: SID"},
		{"empty identity", func(w *store.World) { svc(w).Users[2].Identity = "" }, "accounts[0].services[0].users[2]: user"},
		{"conversation SID of a user", func(w *store.World) { svc(w).Conversations[4].SID = testkit.SID("US", 4) }, "accounts[0].services[0].conversations[4]: SID"},
		{"empty participant SID", func(w *store.World) { svc(w).Conversations[1].Participants[0].SID = "" }, "accounts[0].services[0].conversations[1].participants[0]: SID"},
		{"empty unique_name", func(w *store.World) { svc(w).Conversations[2].UniqueName = new("") }, "accounts[0].services[0].conversations[2]: conversation"},
		{"second service", func(w *store.World) { w.Accounts[0].Services[1].Conversations[0].State = "open" },
			fmt.Sprintf(`accounts[0].services[1].conversations[0]: conversation "%s": invalid state "open"`, testkit.SID("CH", 0xa2))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := testkit.World()
			tt.brk(&w)
			err := w.Validate()
			if tt.want == "" {
				if err != nil {
					t.Errorf("Validate: %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, store.ErrInvalidWorld) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Validate: %v, want an invalid world error containing %q", err, tt.want)
			}
		})
	}
}
