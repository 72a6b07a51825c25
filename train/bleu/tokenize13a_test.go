package bleu

import "testing"

// TestTokenize13a checks hand-picked cases; the expected outputs were
// taken from sacreBLEU 2.6.0's Tokenizer13a.
func TestTokenize13a(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"", ""},
		{"Hello, world!", "Hello , world !"},
		{"It's 3.5 or 1,000.", "It's 3.5 or 1,000 ."},
		{"10-20%", "10 - 20 %"},
		{"5-6", "5 - 6"},
		{"-5", "-5"},
		{"9-a", "9 - a"},
		{"2024-01-12", "2024 - 01 - 12"},
		{"12:30", "12 : 30"},
		{"1.a", "1 . a"},
		{"a.1", "a . 1"},
		{"U.S.A.", "U . S . A ."},
		{"...", ". . ."},
		{"a...b", "a . . . b"},
		{"x.,y", "x . , y"},
		{"1,,2", "1 , , 2"},
		{" .a", ". a"},
		{"don't", "don't"},
		{"$100", "$ 100"},
		{"(a)[b]{c}", "( a ) [ b ] { c }"},
		{"&quot;x&quot;", `" x "`},
		{"&amp;lt;", "<"},
		{"a<skipped>b", "ab"},
		{"hyphen-\nated", "hyphenated"},
		{"line\nbreak", "line break"},
		{"Straße, Größe.", "Straße , Größe ."},
		{"日本語、テスト。", "日本語、テスト。"},
		{"\u00a0nbsp\u00a0", "nbsp"},
		{"zero\u200bwidth", "zero\u200bwidth"},
		{"sep\x1cfs", "sep fs"},
	}
	for _, tt := range tests {
		if got := Tokenize13a(tt.in); got != tt.want {
			t.Errorf("Tokenize13a(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestTokenize13aGolden checks the cases of testdata/tokenizer_13a.json:
// adversarial punctuation, digit, entity, whitespace and Unicode lines,
// and random lines, tokenized by sacreBLEU (see golden_test.go).
func TestTokenize13aGolden(t *testing.T) {
	for _, c := range loadGolden[struct{ In, Out string }](t, "tokenizer_13a.json") {
		if got := Tokenize13a(c.In); got != c.Out {
			t.Errorf("Tokenize13a(%q) = %q, want %q", c.In, got, c.Out)
		}
	}
}
