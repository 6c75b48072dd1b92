package main

import (
	"bytes"
	"encoding/json"
	"time"
	"unicode/utf8"
)

// jsonEscapeHTML is a constant in the generated files (the -escape-html
// flag); the generator's own tests set it both ways.
var jsonEscapeHTML = true

// Everything below this line is copied into the generated files.

// jsonSafe holds the ASCII bytes a JSON string keeps as they are: one
// look-up per byte rather than five comparisons.
var jsonSafe = jsonSafeBytes()

func jsonSafeBytes() (safe [utf8.RuneSelf]bool) {
	for c := byte(0x20); c < utf8.RuneSelf; c++ {
		safe[c] = c != '"' && c != '\\' && (!jsonEscapeHTML || (c != '<' && c != '>' && c != '&'))
	}
	return safe
}

// jsonAppendString appends s as a JSON string, as encoding/json writes it:
// '"', '\\' and control characters escaped (\n, \r, \t, \b, \f, or
// \u00XX), U+2028 and U+2029 escaped, invalid UTF-8 replaced by \ufffd,
// and '<', '>', '&' escaped when jsonEscapeHTML is set.
func jsonAppendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	// Most strings of an answer (SIDs, URLs, dates) need no escape: eight
	// bytes at a time, the last eight overlapping, say so.
	// The bytes the words passed need no second look: the byte-by-byte
	// loop starts at the first word that failed.
	i := 0
	if len(s) >= 8 {
		for ; i+8 <= len(s) && jsonSafeWord(jsonWord(s, i)); i += 8 {
		}
		if i == len(s) || (i+8 > len(s) && jsonSafeWord(jsonWord(s, len(s)-8))) {
			return append(append(b, s...), '"')
		}
	}
	start := 0
	for i < len(s) {
		if c := s[i]; c < utf8.RuneSelf {
			if jsonSafe[c] {
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

// jsonWord returns the eight bytes of s from i as one word, the first
// byte lowest (the compiler makes it one load).
func jsonWord(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// jsonSafeWord reports whether the eight bytes of w are all bytes a JSON
// string keeps as they are (see jsonSafe): ASCII, not a control
// character, not '"' or '\\' (nor '<', '>', '&' when jsonEscapeHTML is
// set). It tests all eight at once, without a branch per byte: a byte
// that needs a look sets the high bit of its byte in bad. A borrow may
// set it in a byte above one that needs a look, never when none does.
func jsonSafeWord(w uint64) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	is := func(c byte) uint64 { x := w ^ (ones * uint64(c)); return (x - ones) &^ x }
	bad := w | (w - ones*0x20) | is('"') | is('\\')
	if jsonEscapeHTML {
		bad |= is('<') | is('>') | is('&')
	}
	return bad&highs == 0
}

// jsonAppendTime appends t as time.Time's MarshalJSON writes it, and fails
// where it fails (a year outside 0..9999).
func jsonAppendTime(b []byte, t time.Time) ([]byte, error) {
	text, err := t.AppendText(append(b, '"'))
	if err != nil {
		return b, err
	}
	return append(text, '"'), nil
}

// jsonAppendMarshal appends v as encoding/json encodes it, for the types
// the generator writes no code for.
func jsonAppendMarshal(b []byte, v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(jsonEscapeHTML)
	if err := enc.Encode(v); err != nil {
		return b, err
	}
	return append(b, bytes.TrimSuffix(buf.Bytes(), []byte{'\n'})...), nil
}
