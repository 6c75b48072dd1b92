package kinds_test

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/twilio-stubs/userconversations/server/internal/jsongen/internal/kinds"
	"github.com/twilio-stubs/userconversations/server/internal/jsongen/internal/kinds/noescape"
	"github.com/twilio-stubs/userconversations/server/internal/testkit"
)

// encode is what jsongen's encoders must write: encoding/json's encoding,
// without the newline json.Encoder ends with.
func encode(t *testing.T, v any, escapeHTML bool) ([]byte, error) {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(escapeHTML)
	err := enc.Encode(v)
	return bytes.TrimSuffix(buf.Bytes(), []byte{'\n'}), err
}

func compare(t *testing.T, what string, v any, escapeHTML bool, got []byte, gotErr error) {
	t.Helper()
	want, wantErr := encode(t, v, escapeHTML)
	if (gotErr != nil) != (wantErr != nil) {
		t.Fatalf("%s: error %v, encoding/json %v", what, gotErr, wantErr)
	}
	if wantErr == nil && !bytes.Equal(got, want) {
		t.Fatalf("%s:\n got %s\nwant %s", what, got, want)
	}
}

// The generated encoders write what encoding/json writes, byte for byte,
// for random values of every kind, with and without HTML escaping.
func TestGeneratedEncodersMatchEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 3000 {
		var e kinds.Everything
		testkit.Fill(rng, &e)
		got, err := kinds.AppendEverything([]byte("prefix"), &e)
		if !bytes.HasPrefix(got, []byte("prefix")) {
			t.Fatalf("value %d: the encoder lost what b held", i)
		}
		compare(t, "Everything", &e, true, got[len("prefix"):], err)
		got, err = noescape.AppendEverything(nil, &e)
		compare(t, "Everything, no HTML escaping", &e, false, got, err)

		var o kinds.OptionalFirst
		testkit.Fill(rng, &o)
		got, err = kinds.AppendOptionalFirst(nil, &o)
		compare(t, "OptionalFirst", &o, true, got, err)
	}
}

// A time encoding/json refuses is refused.
func TestTimeOutOfRange(t *testing.T) {
	var e kinds.Everything
	e.Time = time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC)
	if _, err := kinds.AppendEverything(nil, &e); err == nil {
		t.Fatal("a year outside 0..9999 was encoded")
	}
}

// Encoding allocates nothing beyond the buffer it appends to, for values
// with no fallback to encoding/json.
func TestEncodingDoesNotAllocate(t *testing.T) {
	v := kinds.OptionalFirst{A: new("a<b"), C: "c", D: new("d")}
	buf := make([]byte, 0, 1024)
	if n := testing.AllocsPerRun(100, func() { buf, _ = kinds.AppendOptionalFirst(buf[:0], &v) }); n != 0 {
		t.Fatalf("%v allocations per encoding", n)
	}
}
