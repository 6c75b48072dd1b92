package twilioapi

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/twilio-stubs/userconversations/gen/conversations"
)

// The resources are encoded to JSON by hand, byte for byte as c.JSON
// (encoding/json) encodes them: profiling showed encoding/json's reflection
// as the largest cost in the handlers, about 60% of a list page's and a
// quarter of a fetch's. TestJSONEncodingMatchesEncodingJSON holds the two
// to the same output. Whatever the hand encoder does not cover (a
// pretty-printed response, another JSON serializer, a time encoding/json
// refuses) goes through c.JSON as before.

// jsonBuffers recycles the encoding buffers; a list page is tens of KB.
var jsonBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 2048); return &b }}

const maxPooledJSON = 1 << 20

// respondUserConversation answers 200 with uc as c.JSON would.
func respondUserConversation(c echo.Context, uc conversations.UserConversation) error {
	if !handEncoding(c) {
		return c.JSON(http.StatusOK, uc)
	}
	bp := jsonBuffers.Get().(*[]byte)
	defer putJSONBuffer(bp)
	b, ok := appendUserConversation((*bp)[:0], &uc)
	if !ok {
		return c.JSON(http.StatusOK, uc) // for encoding/json's own error
	}
	*bp = append(b, '\n') // json.Encoder ends every value with a newline
	return c.JSONBlob(http.StatusOK, *bp)
}

// respondPage answers 200 with p as c.JSON would.
func respondPage(c echo.Context, p *conversations.UserConversationPage) error {
	if !handEncoding(c) {
		return c.JSON(http.StatusOK, p)
	}
	bp := jsonBuffers.Get().(*[]byte)
	defer putJSONBuffer(bp)
	b, ok := appendPage((*bp)[:0], p)
	if !ok {
		return c.JSON(http.StatusOK, p)
	}
	*bp = append(b, '\n')
	return c.JSONBlob(http.StatusOK, *bp)
}

// handEncoding reports whether c.JSON would encode compactly with
// encoding/json: it indents for ?pretty and in debug mode, and defers to a
// serializer set on echo, and those keep it.
func handEncoding(c echo.Context) bool {
	if _, std := c.Echo().JSONSerializer.(*echo.DefaultJSONSerializer); !std || c.Echo().Debug {
		return false
	}
	// Parsing the query costs a map; most requests have none to parse.
	if raw := c.Request().URL.RawQuery; strings.Contains(raw, "pretty") || strings.Contains(raw, "%") {
		_, pretty := c.QueryParams()["pretty"]
		return !pretty
	}
	return true
}

func putJSONBuffer(bp *[]byte) {
	if cap(*bp) <= maxPooledJSON {
		jsonBuffers.Put(bp)
	}
}

func appendPage(b []byte, p *conversations.UserConversationPage) ([]byte, bool) {
	b = append(b, `{"conversations":`...)
	if p.Conversations == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i := range p.Conversations {
			if i > 0 {
				b = append(b, ',')
			}
			var ok bool
			if b, ok = appendUserConversation(b, &p.Conversations[i]); !ok {
				return b, false
			}
		}
		b = append(b, ']')
	}
	m := &p.Meta
	b = append(b, `,"meta":{"first_page_url":`...)
	b = appendJSONString(b, m.FirstPageUrl)
	b = append(b, `,"key":`...)
	b = appendJSONString(b, string(m.Key))
	b = append(b, `,"next_page_url":`...)
	b = appendJSONStringPtr(b, m.NextPageUrl)
	b = append(b, `,"page":`...)
	b = strconv.AppendInt(b, int64(m.Page), 10)
	b = append(b, `,"page_size":`...)
	b = strconv.AppendInt(b, int64(m.PageSize), 10)
	b = append(b, `,"previous_page_url":`...)
	b = appendJSONStringPtr(b, m.PreviousPageUrl)
	b = append(b, `,"url":`...)
	b = appendJSONString(b, m.Url)
	return append(b, "}}"...), true
}

// appendUserConversation follows the fields of conversations.UserConversation
// in their order, as encoding/json does.
func appendUserConversation(b []byte, uc *conversations.UserConversation) ([]byte, bool) {
	ok := true
	b = append(b, `{"account_sid":`...)
	b = appendJSONStringPtr(b, uc.AccountSid)
	b = append(b, `,"attributes":`...)
	b = appendJSONStringPtr(b, uc.Attributes)
	b = append(b, `,"chat_service_sid":`...)
	b = appendJSONStringPtr(b, uc.ChatServiceSid)
	b = append(b, `,"conversation_sid":`...)
	b = appendJSONStringPtr(b, uc.ConversationSid)
	b = append(b, `,"conversation_state":`...)
	b = appendJSONString(b, string(uc.ConversationState))
	b = append(b, `,"created_by":`...)
	b = appendJSONStringPtr(b, uc.CreatedBy)
	b = append(b, `,"date_created":`...)
	b = appendJSONTimePtr(b, uc.DateCreated, &ok)
	b = append(b, `,"date_updated":`...)
	b = appendJSONTimePtr(b, uc.DateUpdated, &ok)
	b = append(b, `,"friendly_name":`...)
	b = appendJSONStringPtr(b, uc.FriendlyName)
	b = append(b, `,"last_read_message_index":`...)
	b = appendJSONIntPtr(b, uc.LastReadMessageIndex)
	b = append(b, `,"links":`...)
	if l := uc.Links; l == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, `{"conversation":`...)
		b = appendJSONString(b, l.Conversation)
		b = append(b, `,"participant":`...)
		b = appendJSONString(b, l.Participant)
		b = append(b, '}')
	}
	b = append(b, `,"notification_level":`...)
	b = appendJSONString(b, string(uc.NotificationLevel))
	b = append(b, `,"participant_sid":`...)
	b = appendJSONStringPtr(b, uc.ParticipantSid)
	b = append(b, `,"timers":`...)
	if t := uc.Timers; t == nil {
		b = append(b, "null"...)
	} else {
		// Both fields are omitempty.
		b = append(b, '{')
		if t.DateClosed != nil {
			b = append(b, `"date_closed":`...)
			b = appendJSONTimePtr(b, t.DateClosed, &ok)
		}
		if t.DateInactive != nil {
			if t.DateClosed != nil {
				b = append(b, ',')
			}
			b = append(b, `"date_inactive":`...)
			b = appendJSONTimePtr(b, t.DateInactive, &ok)
		}
		b = append(b, '}')
	}
	b = append(b, `,"unique_name":`...)
	b = appendJSONStringPtr(b, uc.UniqueName)
	b = append(b, `,"unread_messages_count":`...)
	b = appendJSONIntPtr(b, uc.UnreadMessagesCount)
	b = append(b, `,"url":`...)
	b = appendJSONStringPtr(b, uc.Url)
	b = append(b, `,"user_sid":`...)
	b = appendJSONStringPtr(b, uc.UserSid)
	return append(b, '}'), ok
}

func appendJSONStringPtr(b []byte, s *string) []byte {
	if s == nil {
		return append(b, "null"...)
	}
	return appendJSONString(b, *s)
}

func appendJSONIntPtr(b []byte, n *int) []byte {
	if n == nil {
		return append(b, "null"...)
	}
	return strconv.AppendInt(b, int64(*n), 10)
}

// appendJSONTimePtr writes what time.Time.MarshalJSON does; a time it
// refuses (a year outside 0-9999) clears *ok.
func appendJSONTimePtr(b []byte, t *time.Time, ok *bool) []byte {
	if t == nil {
		return append(b, "null"...)
	}
	text, err := t.AppendText(append(b, '"'))
	if err != nil {
		*ok = false
		return b
	}
	return append(text, '"')
}

// appendJSONString quotes s as encoding/json does with HTML escaping on (as
// json.Encoder has it by default): <, > and & as \u003c, \u003e, \u0026;
// control characters as \n, \r, \t, \b, \f or \u00XX; U+2028 and U+2029
// escaped; invalid UTF-8 replaced with \ufffd.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
