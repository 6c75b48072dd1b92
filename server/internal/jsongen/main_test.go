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
			got, err := jsonAppendMarshal([]byte("x"), map[string]string{s: s})
			if want, _ := marshal(map[string]string{s: s}, escape); err != nil || !bytes.Equal(got, append([]byte("x"), want...)) {
				t.Errorf("escape %v, map of %q: got %s (%v), want %s", escape, s, got, err, want)
			}
		}
	}
	for _, tm := range []time.Time{
		time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC),
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
