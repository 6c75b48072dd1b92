package admin_test

import (
	"reflect"
	"testing"

	"github.com/twilio-stubs/userconversations/server/internal/admin"
	"github.com/twilio-stubs/userconversations/server/internal/testkit"
)

// A fault goes through a store.Shared whole: every field (filled by
// reflection, so a field added later is checked too) and the names its
// target was resolved to when it was put.
func TestFaultRecordRoundTrip(t *testing.T) {
	var f admin.Fault
	testkit.FillAll(&f)
	f.User, f.Conversation, f.Account = "alice", "general", ""
	f.Names = admin.NewAliases(&f.Target, testkit.World())
	data, err := admin.EncodeFault(f)
	if err != nil {
		t.Fatal(err)
	}
	got, err := admin.DecodeFault(f.ID, data, f.Times, f.Applied)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, f) {
		t.Errorf("round trip:\ngot  %+v\nwant %+v", got, f)
	}
}

// A journal entry goes through a store.Shared whole but for Seq, which
// the store numbers.
func TestEntryRecordRoundTrip(t *testing.T) {
	var e admin.Entry
	testkit.FillAll(&e)
	data, err := admin.EncodeEntry(&e)
	if err != nil {
		t.Fatal(err)
	}
	got, err := admin.DecodeEntry(e.Seq, data)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, e) {
		t.Errorf("round trip:\ngot  %+v\nwant %+v", got, e)
	}
}
