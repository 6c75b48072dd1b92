package store

import (
	"strings"
	"testing"
)

func TestIsSID(t *testing.T) {
	hex := "0123456789abcdefABCDEF0123456789"
	tests := []struct {
		s, prefix string
		want      bool
	}{
		{"US" + hex, "US", true},
		{"CH" + strings.Repeat("0", 32), "CH", true},
		{"CH" + hex, "US", false},            // another kind
		{"us" + hex, "US", false},            // prefix case matters
		{"US" + hex[:31], "US", false},       // short
		{"US" + hex + "0", "US", false},      // long
		{"US" + hex[:31] + "g", "US", false}, // not hex
		{"US" + strings.Repeat("z", 32), "US", false},
		{"", "US", false},
	}
	for _, tt := range tests {
		if got := IsSID(tt.s, tt.prefix); got != tt.want {
			t.Errorf("IsSID(%q, %q) = %v, want %v", tt.s, tt.prefix, got, tt.want)
		}
	}
}
