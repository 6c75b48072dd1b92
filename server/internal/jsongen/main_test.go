package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/twilio-stubs/userconversations/server/internal/testkit"
)

// What jsongen cannot write as encoding/json would, it refuses, naming
// the type and field.
func TestUnsupportedIsAnError(t *testing.T) {
	out := filepath.Join(t.TempDir(), "x.go")
	if err := os.WriteFile(out, []byte("package x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{
		"StringOption": `StringOption.N: tag option "string"`,
		"Enum":         "Enum is not a struct type",
		"Missing":      "has no type Missing",
	} {
		_, err := generate("./testdata/unsupported", []string{name}, out, true)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want %q", name, err, want)
		}
	}
}

// The helpers copied into every generated file write what encoding/json
// writes: strings with and without HTML escaping, times, and the values
// handed to encoding/json itself.
func TestHelpers(t *testing.T) {
	defer func(was bool, safe [utf8.RuneSelf]bool) { jsonEscapeHTML, jsonSafe = was, safe }(jsonEscapeHTML, jsonSafe)
	for _, escape := range []bool{true, false} {
		jsonEscapeHTML = escape
		jsonSafe = jsonSafeBytes()
		for _, s := range testkit.TrickyStrings {
			want, _ := marshal(s, escape)
			if got := jsonAppendString(nil, s); !bytes.Equal(got, want) {
				t.Errorf("escape %v, %q: got %s, want %s", escape, s, got, want)
			}
			// At every offset of an eight-byte word, with plain words
			// around it: the word-at-a-time path must hand it over.
			for pad := range 9 {
				long := "abcdefgh"[:pad] + s + "ijklmnopqrstuvwx"
				want, _ := marshal(long, escape)
				if got := jsonAppendString(nil, long); !bytes.Equal(got, want) {
					t.Errorf("escape %v, %q: got %s, want %s", escape, long, got, want)
				}
			}
			got, err := jsonAppendMarshal([]byte("x"), map[string]string{s: s})
			if want, _ := marshal(map[string]string{s: s}, escape); err != nil || !bytes.Equal(got, append([]byte("x"), want...)) {
				t.Errorf("escape %v, map of %q: got %s (%v), want %s", escape, s, got, err, want)
			}
		}
	}
	for _, tm := range []time.Time{
		time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC),
		time.Date(2024, 12, 31, 23, 59, 59, 0, time.UTC),
		time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC),
		time.Date(2024, 1, 2, 3, 4, 5, 1, time.UTC),
		time.Date(2024, 1, 2, 3, 4, 5, 0, time.FixedZone("", 0)),
		time.Date(2024, 1, 2, 3, 4, 5, 0, time.FixedZone("", 3600)),
		time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.FixedZone("", -23*3600-59*60)),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC),
	} {
		want, wantErr := marshal(tm, true)
		got, err := jsonAppendTime(nil, tm)
		if (err != nil) != (wantErr != nil) || (err == nil && !bytes.Equal(got, want)) {
			t.Errorf("%v: got %s (%v), want %s (%v)", tm, got, err, want, wantErr)
		}
	}
}

func marshal(v any, escapeHTML bool) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(escapeHTML)
	err := enc.Encode(v)
	return bytes.TrimSuffix(buf.Bytes(), []byte{'\n'}), err
}

// Any string, in both modes, is written as encoding/json writes it.
func FuzzAppendString(f *testing.F) {
	for _, s := range testkit.TrickyStrings {
		f.Add(s + "0123456789abcdef" + s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		defer func(was bool, safe [utf8.RuneSelf]bool) { jsonEscapeHTML, jsonSafe = was, safe }(jsonEscapeHTML, jsonSafe)
		for _, escape := range []bool{true, false} {
			jsonEscapeHTML = escape
			jsonSafe = jsonSafeBytes()
			want, _ := marshal(s, escape)
			if got := jsonAppendString(nil, s); !bytes.Equal(got, want) {
				t.Fatalf("escape %v, %q: got %s, want %s", escape, s, got, want)
			}
		}
	})
}

// BenchmarkAppendString writes a URL, the most common string of a page.
func BenchmarkAppendString(b *testing.B) {
	const url = "https://conversations.twilio.com/v1/Users/USaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Conversations/CHaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	buf := make([]byte, 0, 256)
	b.SetBytes(int64(len(url)))
	for b.Loop() {
		buf = jsonAppendString(buf[:0], url)
	}
}
