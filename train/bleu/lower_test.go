package bleu

import "testing"

// TestPyLower checks Python's str.lower special cases; the expected
// values come from Python 3.11.
func TestPyLower(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"ABC", "abc"},
		{"Straße", "straße"},
		{"ΟΔΟΣ", "οδος"},
		{"ΣΑΣ", "σας"},
		{"Σ", "σ"},
		{"ΑΣ.", "ας."},
		{"A.Σ", "a.ς"},
		{"ΑΣ\u0301Α", "ασ\u0301α"},
		{"İstanbul", "i\u0307stanbul"},
		{"ǅ", "ǆ"},
	}
	for _, tt := range tests {
		if got := pyLower(tt.in); got != tt.want {
			t.Errorf("pyLower(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestPyLowerGolden checks testdata/lower.json, produced by Python's
// str.lower (see golden_test.go).
func TestPyLowerGolden(t *testing.T) {
	for _, c := range loadGolden[struct{ In, Out string }](t, "lower.json") {
		if got := pyLower(c.In); got != c.Out {
			t.Errorf("pyLower(%q) = %q, want %q", c.In, got, c.Out)
		}
	}
}

// TestPySpace checks Python's whitespace set, which adds U+001C..U+001F
// to Unicode's White_Space.
func TestPySpace(t *testing.T) {
	tests := []struct {
		r    rune
		want bool
	}{
		{' ', true}, {'\t', true}, {'\n', true}, {'\r', true}, {'\v', true},
		{'\f', true}, {0x1c, true}, {0x1f, true}, {0x85, true}, {0xa0, true},
		{0x2028, true}, {0x3000, true}, {0x200b, false}, {0xfeff, false},
		{0x180e, false}, {'a', false}, {0x1b, false},
	}
	for _, tt := range tests {
		if got := isPySpace(tt.r); got != tt.want {
			t.Errorf("isPySpace(%U) = %v, want %v", tt.r, got, tt.want)
		}
	}
}
