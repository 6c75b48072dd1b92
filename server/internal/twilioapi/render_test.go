package twilioapi

import (
	"fmt"
	"testing"
	"time"

	"github.com/twilio-stubs/userconversations/gen/conversations"
	"github.com/twilio-stubs/userconversations/gen/conversationsserver"
	"github.com/twilio-stubs/userconversations/server/store"
)

// BenchmarkEncodeListPage encodes a page of 50 rendered items, as the
// bench world's are, with the generated encoder alone
// (docs/performance.md quotes it).
func BenchmarkEncodeListPage(b *testing.B) {
	name, unique, creator := "Bench conversation 100", "bench-room-100", "user-0000"
	read, unread := 100, 49
	items := make([]store.UserConversation, 50)
	for i := range items {
		items[i] = store.UserConversation{
			AccountSID: "ACbe000000000000000000000000000000", ServiceSID: "ISbe000000000000000000000000000000",
			ConversationSID: fmt.Sprintf("CH%032x", i*100), ParticipantSID: "MBa3e20461d57443bfec5fedfe5f5f1bb3",
			UserSID:    "US00000000000000000000000000000000",
			Attributes: `{"bench":true,"n":100}`, State: "active", NotificationLevel: "default",
			FriendlyName: &name, UniqueName: &unique, CreatedBy: &creator, LastReadMessageIndex: &read, UnreadMessagesCount: &unread,
			DateCreated: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), DateUpdated: time.Date(2024, 1, 1, 1, 0, 0, 0, time.UTC),
		}
	}
	sp := getScratchPage(len(items))
	defer sp.release()
	page := &conversations.UserConversationPage{Conversations: resourcePaths{base: "http://127.0.0.1:18080"}.render(items, sp)}
	buf := make([]byte, 0, 64<<10)
	b.ReportAllocs()
	for b.Loop() {
		out, err := conversationsserver.AppendUserConversationPage(buf[:0], page)
		if err != nil {
			b.Fatal(err)
		}
		b.SetBytes(int64(len(out)))
	}
}
