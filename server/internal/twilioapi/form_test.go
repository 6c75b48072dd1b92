package twilioapi

import (
	"maps"
	"net/url"
	"reflect"
	"slices"
	"testing"

	"github.com/labstack/echo/v4"
	"github.com/oapi-codegen/runtime"

	"github.com/twilio-stubs/userconversations/gen/conversations"
	"github.com/twilio-stubs/userconversations/gen/conversationsserver"
)

// The binder fills the update's body as runtime.BindForm does, for every
// property sent or not, empty, unknown keys beside them.
func TestFormBinderMatchesBindForm(t *testing.T) {
	b, err := newFormBinder[conversations.UpdateUserConversationRequest]()
	if err != nil {
		t.Fatal(err)
	}
	forms := []url.Values{
		{},
		{"NotificationLevel": {"muted"}},
		{"LastReadMessageIndex": {"42"}},
		{"LastReadMessageIndex": {""}},
		{"LastReadTimestamp": {"2024-01-02T03:04:05Z"}},
		{"NotificationLevel": {"default"}, "LastReadMessageIndex": {"0"}, "LastReadTimestamp": {""}},
		{"Unknown": {"x"}, "notificationlevel": {"muted"}},
	}
	// Every property the spec gives the body, alone.
	for _, f := range b.fields {
		forms = append(forms, url.Values{f.name: {"v"}})
	}
	// The binder knows every property the spec's form has, by its name.
	doc, err := conversationsserver.GetSpec()
	if err != nil {
		t.Fatal(err)
	}
	var bound, declared []string
	for _, f := range b.fields {
		bound = append(bound, f.name)
	}
	body := doc.Components.RequestBodies["UpdateUserConversation"].Value
	declared = slices.Collect(maps.Keys(body.Content.Get(echo.MIMEApplicationForm).Schema.Value.Properties))
	slices.Sort(bound)
	slices.Sort(declared)
	if !slices.Equal(bound, declared) {
		t.Fatalf("bound %v, the spec's form has %v", bound, declared)
	}
	for _, form := range forms {
		var want conversations.UpdateUserConversationRequest
		if err := runtime.BindForm(&want, form, nil, nil); err != nil {
			t.Fatalf("%v: runtime.BindForm: %v", form, err)
		}
		if got := b.bind(form); !reflect.DeepEqual(got, want) {
			t.Errorf("%v: bound %+v, runtime.BindForm %+v", form, got, want)
		}
	}
}

// A form body with a property of another shape is refused when the
// handlers are built, not bound wrongly.
func TestFormBinderRefusesOtherShapes(t *testing.T) {
	type withInt struct {
		Count *int `json:"Count,omitempty"`
	}
	type untagged struct {
		Name *string
	}
	if _, err := newFormBinder[withInt](); err == nil {
		t.Error("a *int property was accepted")
	}
	if _, err := newFormBinder[untagged](); err == nil {
		t.Error("a field without a property name was accepted")
	}
}
