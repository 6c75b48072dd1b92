package httpmw_test

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/twilio-stubs/userconversations/gen/conversations"
	"github.com/twilio-stubs/userconversations/gen/conversationsserver"
	"github.com/twilio-stubs/userconversations/server/internal/httpmw"
	"github.com/twilio-stubs/userconversations/server/internal/testkit"
)

// escapeHTML is how gen/conversationsserver's encoders were generated:
// raw characters, as Twilio writes them.
const escapeHTML = false

func encodingJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(escapeHTML)
	err := enc.Encode(v)
	return bytes.TrimSuffix(buf.Bytes(), []byte{'\n'}), err
}

// check compares encode's output for random values of T with encoding/json's.
func check[T any](t *testing.T, rng *rand.Rand, encode func([]byte, *T) ([]byte, error)) {
	t.Helper()
	for range 500 {
		var v T
		testkit.Fill(rng, &v)
		got, err := encode(nil, &v)
		want, wantErr := encodingJSON(&v)
		if (err != nil) != (wantErr != nil) || (err == nil && !bytes.Equal(got, want)) {
			t.Fatalf("%T:\n got %s (%v)\nwant %s (%v)", v, got, err, want, wantErr)
		}
	}
}

// The encoders generated from the spec write what encoding/json writes.
func TestGeneratedEncodersMatchEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	check(t, rng, conversationsserver.AppendUserConversationPage)
	check(t, rng, conversationsserver.AppendUserConversation)
	check(t, rng, conversationsserver.AppendError)
}

// WriteJSON answers as echo's c.JSON does with the stub's serializer, in
// the compact and the indented (?pretty) form, with the same Content-Type;
// a value encoding/json refuses is an error for both.
func TestWriteJSONIsCJSON(t *testing.T) {
	e := echo.New()
	e.JSONSerializer = httpmw.JSONSerializer{}
	serve := func(target string, respond func(echo.Context) error) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		c := e.NewContext(httptest.NewRequest(http.MethodGet, target, nil), rec)
		if err := respond(c); err != nil {
			rec.Code = -1
		}
		return rec
	}
	rng := rand.New(rand.NewPCG(5, 6))
	var uc conversations.UserConversation
	testkit.Fill(rng, &uc)
	outOfRange := time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
	bad := conversations.UserConversation{DateCreated: &outOfRange}
	for _, tt := range []struct {
		target string
		uc     conversations.UserConversation
	}{
		{"/x", uc},
		{"/x?pretty", uc},
		{"/x?pretty=1&a=b", uc},
		{"/x?%70retty", uc},
		{"/x?notpretty=1", uc},
		{"/x?a=%41", uc},
		{"/x", bad},
	} {
		got := serve(tt.target, func(c echo.Context) error {
			return httpmw.WriteJSON(c, http.StatusOK, &tt.uc, conversationsserver.AppendUserConversation)
		})
		want := serve(tt.target, func(c echo.Context) error { return c.JSON(http.StatusOK, tt.uc) })
		if want.Code == -1 {
			if got.Code != -1 {
				t.Errorf("%s: %d %q, c.JSON failed", tt.target, got.Code, got.Body)
			}
			continue
		}
		if got.Code != want.Code || got.Body.String() != want.Body.String() ||
			got.Header().Get(echo.HeaderContentType) != want.Header().Get(echo.HeaderContentType) {
			t.Errorf("%s: got %d %q %q, c.JSON %d %q %q", tt.target,
				got.Code, got.Header().Get(echo.HeaderContentType), got.Body,
				want.Code, want.Header().Get(echo.HeaderContentType), want.Body)
		}
	}
}

// WriteJSON spares encoding/json's allocations.
func TestWriteJSONAllocatesLessThanCJSON(t *testing.T) {
	e := echo.New()
	var uc conversations.UserConversation
	testkit.Fill(rand.New(rand.NewPCG(7, 8)), &uc)
	req, rec := httptest.NewRequest(http.MethodGet, "/x", nil), httptest.NewRecorder()
	c := e.NewContext(req, rec)
	allocs := func(respond func() error) float64 {
		return testing.AllocsPerRun(100, func() {
			rec.Body.Reset()
			c.Reset(req, rec)
			if err := respond(); err != nil {
				t.Fatal(err)
			}
		})
	}
	generated := allocs(func() error {
		return httpmw.WriteJSON(c, http.StatusOK, &uc, conversationsserver.AppendUserConversation)
	})
	std := allocs(func() error { return c.JSON(http.StatusOK, uc) })
	if generated >= std {
		t.Errorf("WriteJSON: %v allocations, c.JSON %v", generated, std)
	}
}
