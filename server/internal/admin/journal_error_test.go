package admin_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	admingen "github.com/twilio-stubs/userconversations/gen/admin"
	"github.com/twilio-stubs/userconversations/server/internal/testkit"
)

// An entry carries the Twilio error code and message the client got, so a
// failing suite can read why a request was refused; a success carries
// neither. (A dropped connection's entry is recorded after the client has
// seen the drop, so it is left out here: no order to wait for.)
func TestJournalRecordsTheErrorAnswered(t *testing.T) {
	stub := newStub(t)
	putFault(t, stub, admingen.FaultRule{Operation: new("UpdateUserConversation"), Error: &admingen.FaultError{Status: 503, Message: new("try later")}, Times: new(1)})
	send(t, http.MethodGet, stub.URL+fetchGeneral, nil, basic(accountA, "wrongtoken"))
	twilio(t, stub, http.MethodGet, "/v1/Users/alice/Conversations?PageSize=5000", nil)
	twilio(t, stub, http.MethodGet, fetchGeneral, nil)
	twilio(t, stub, http.MethodPost, fetchGeneral, map[string][]string{"NotificationLevel": {"muted"}})
	want := []struct {
		status, code int
		message      string // a part of it
	}{
		{401, 20003, "Authenticate"},
		{400, 20001, "Invalid PageSize: number must be at most 1000"},
		{200, 0, ""},
		{503, 20503, "try later"},
	}
	entries := journal(t, stub, nil)
	if len(entries) != len(want) {
		t.Fatalf("%d entries, want %d", len(entries), len(want))
	}
	for i, w := range want {
		e := entries[i]
		got, _ := json.Marshal(e)
		if e.Status != w.status || testkit.Deref(e.Code) != w.code || !strings.Contains(testkit.Deref(e.Message), w.message) ||
			(w.message == "" && e.Message != nil) {
			t.Errorf("entry %d: %s, want %+v", i, got, w)
		}
	}
}
