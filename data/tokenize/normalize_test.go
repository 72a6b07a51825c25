package tokenize

import "testing"

func TestNormalize(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"   ", ""},
		{"  a  b\t\tc \n", "a b c"},
		{"ﬁsh ＡＢＣ １２３", "fish ABC 123"},
		{"a\u00a0b", "a b"},
		{"a▁b", "a b"},
		{"x\u200by", "x y"},
		{"x\u200dy", "x\u200dy"},
		{"x\u0085y", "x\u0085y"},
		{"a\x01b\x7fc", "abc"},
		{"Café", "Café"},
		{"e\u0301", "é"},
	} {
		if got := Normalize(tc.in); got != tc.want {
			t.Errorf("Normalize(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
