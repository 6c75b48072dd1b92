package twilioapi

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"strings"
	"time"

	"github.com/twilio-stubs/userconversations/server/store"
)

// A page token names a position in one user's list (store.Position) and a
// direction, so a page costs the same anywhere in the list and items removed
// between pages shift nothing. Tokens are signed, and the signature covers
// the account, the service path and the user, so a forged, truncated or
// foreign token is refused instead of read.
//
// Layout before base64url: direction (1 byte) | DateCreated unix seconds
// (8) | conversation SID (34) | user SID (34) | HMAC-SHA256 prefix (12).
const (
	tokenPrefix  = "PT"
	sidLen       = 34
	macLen       = 12
	tokenPayload = 1 + 8 + sidLen + sidLen
	tokenLen     = tokenPayload + macLen
)

var errBadPageToken = errors.New("invalid page token")

type pageToken struct {
	before  bool // the page before Position, rather than after it
	pos     store.Position
	userSID string
}

// tokenCodec signs and checks page tokens with a key of this server's own.
type tokenCodec struct{ key []byte }

func newTokenCodec(key []byte) (tokenCodec, error) {
	if len(key) == 0 {
		key = make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return tokenCodec{}, err
		}
	}
	return tokenCodec{key: key}, nil
}

// scope is what a token is valid for: the account and the service path.
func (tc tokenCodec) mac(scope string, payload []byte) []byte {
	h := hmac.New(sha256.New, tc.key)
	h.Write([]byte(scope))
	h.Write([]byte{0})
	h.Write(payload)
	return h.Sum(nil)[:macLen]
}

func (tc tokenCodec) encode(scope string, t pageToken) string {
	buf := make([]byte, tokenPayload, tokenLen)
	if t.before {
		buf[0] = 1
	}
	binary.BigEndian.PutUint64(buf[1:9], uint64(t.pos.DateCreated.Unix()))
	copy(buf[9:9+sidLen], t.pos.ConversationSID)
	copy(buf[9+sidLen:], t.userSID)
	buf = append(buf, tc.mac(scope, buf)...)
	return tokenPrefix + base64.RawURLEncoding.EncodeToString(buf)
}

func (tc tokenCodec) decode(scope, s string) (pageToken, error) {
	raw, ok := strings.CutPrefix(s, tokenPrefix)
	if !ok || base64.RawURLEncoding.DecodedLen(len(raw)) != tokenLen {
		return pageToken{}, errBadPageToken
	}
	buf, err := base64.RawURLEncoding.DecodeString(raw)
	if err != nil || len(buf) != tokenLen || buf[0] > 1 {
		return pageToken{}, errBadPageToken
	}
	if !hmac.Equal(buf[tokenPayload:], tc.mac(scope, buf[:tokenPayload])) {
		return pageToken{}, errBadPageToken
	}
	return pageToken{
		before: buf[0] == 1,
		pos: store.Position{
			DateCreated:     time.Unix(int64(binary.BigEndian.Uint64(buf[1:9])), 0).UTC(),
			ConversationSID: string(buf[9 : 9+sidLen]),
		},
		userSID: string(buf[9+sidLen : tokenPayload]),
	}, nil
}
