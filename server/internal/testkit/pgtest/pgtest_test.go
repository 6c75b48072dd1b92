package pgtest

import "testing"

// CI is told by the CI variable as CI services set it (true), and as a
// person might (1, TRUE); anything else is not CI, so a stray value skips
// rather than fails.
func TestUnderCI(t *testing.T) {
	for _, tt := range []struct {
		value string
		want  bool
	}{
		{"true", true},
		{"1", true},
		{"TRUE", true},
		{"", false},
		{"false", false},
		{"0", false},
		{"yes", false},
	} {
		t.Setenv("CI", tt.value)
		if got := underCI(); got != tt.want {
			t.Errorf("CI=%q: under CI %v, want %v", tt.value, got, tt.want)
		}
	}
}
