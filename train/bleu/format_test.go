package bleu

import (
	"math"
	"strings"
	"testing"
)

// briefStats gives precisions 85.7/66.7/40.0/25.0 on 7 tokens; sacreBLEU
// 2.6.0's compute_bleu scores them 48.892302243490086.
var briefStats = Stats{Correct: [4]int{6, 4, 2, 1}, Total: [4]int{7, 6, 5, 4}, HypLen: 7, RefLen: 7}

// TestScoreText checks Verbose and Text at several widths against the
// strings sacreBLEU's BLEUScore.format prints for the same statistics.
func TestScoreText(t *testing.T) {
	sc := briefStats.Score()
	if math.Abs(sc.Score-48.892302243490086) > floatTol {
		t.Errorf("Score = %v, want 48.892302243490086", sc.Score)
	}
	verbose := "85.7/66.7/40.0/25.0 (BP = 1.000 ratio = 1.000 hyp_len = 7 ref_len = 7)"
	if got := sc.Verbose(); got != verbose {
		t.Errorf("Verbose() = %q, want %q", got, verbose)
	}
	tests := []struct {
		width int
		want  string
	}{
		{0, "BLEU = 49 " + verbose},
		{2, "BLEU = 48.89 " + verbose},
		{3, "BLEU = 48.892 " + verbose},
	}
	for _, tt := range tests {
		if got := sc.Text(tt.width); got != tt.want {
			t.Errorf("Text(%d) = %q, want %q", tt.width, got, tt.want)
		}
	}
	short := Stats{Correct: [4]int{6, 4, 2, 0}, Total: [4]int{7, 6, 5, 4}, HypLen: 7, RefLen: 9}.Score()
	want := "BLEU = 30.90 85.7/66.7/40.0/12.5 (BP = 0.751 ratio = 0.778 hyp_len = 7 ref_len = 9)"
	if got := short.Text(2); got != want {
		t.Errorf("Text(2) = %q, want %q", got, want)
	}
}

// TestScoreJSON checks JSON against sacreBLEU's format(..., is_json=True).
func TestScoreJSON(t *testing.T) {
	sc := briefStats.Score()
	sc.Signature = Signature(1, Options{})
	want := `{
 "name": "BLEU",
 "score": 48.9,
 "signature": "nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:go-seq2seq-1.0",
 "verbose_score": "85.7/66.7/40.0/25.0 (BP = 1.000 ratio = 1.000 hyp_len = 7 ref_len = 7)",
 "nrefs": "1",
 "case": "mixed",
 "eff": "no",
 "tok": "13a",
 "smooth": "exp",
 "version": "go-seq2seq-1.0"
}`
	got, err := sc.JSON(1)
	if err != nil {
		t.Fatalf("JSON(1): %v", err)
	}
	if string(got) != want {
		t.Errorf("JSON(1) =\n%s\nwant\n%s", got, want)
	}
}

// TestScoreJSONErrors checks the inputs JSON rejects.
func TestScoreJSONErrors(t *testing.T) {
	tests := []struct {
		sig   string
		width int
		want  string
	}{
		{Signature(1, Options{}), -1, "negative width"},
		{"nrefs:1|bad", 1, `"bad"`},
		{"a:b:c", 1, `"a:b:c"`},
	}
	for _, tt := range tests {
		sc := Score{Signature: tt.sig}
		_, err := sc.JSON(tt.width)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Score{Signature: %q}.JSON(%d) error = %v, want one mentioning %s", tt.sig, tt.width, err, tt.want)
		}
	}
}

// TestPyFloatRepr checks Python's float repr; the expected values were
// printed by Python 3.11.
func TestPyFloatRepr(t *testing.T) {
	tests := []struct {
		x    float64
		want string
	}{
		{48.9, "48.9"},
		{0, "0.0"},
		{100, "100.0"},
		{1e-05, "1e-05"},
		{0.0001, "0.0001"},
		{1.2345e-06, "1.2345e-06"},
		{123456789, "123456789.0"},
		{1e16, "1e+16"},
		{1e15, "1000000000000000.0"},
		{5e-324, "5e-324"},
		{math.Nextafter(0.3, 1), "0.30000000000000004"}, // 0.1 + 0.2 in float64
	}
	for _, tt := range tests {
		if got := pyFloatRepr(tt.x); got != tt.want {
			t.Errorf("pyFloatRepr(%v) = %q, want %q", tt.x, got, tt.want)
		}
	}
}

// TestFixed checks rounding to a fixed number of decimals against Python's
// format(x, ".Nf"), which rounds the exact binary value half to even.
func TestFixed(t *testing.T) {
	tests := []struct {
		x    float64
		prec int
		want string
	}{
		{0.25, 1, "0.2"},
		{0.35, 1, "0.3"},
		{2.5, 0, "2"},
		{0.125, 2, "0.12"},
		{48.85, 1, "48.9"},
		{1e-5, 1, "0.0"},
		{99.95, 1, "100.0"},
		{0.05, 1, "0.1"},
	}
	for _, tt := range tests {
		if got := fixed(tt.x, tt.prec); got != tt.want {
			t.Errorf("fixed(%v, %d) = %q, want %q", tt.x, tt.prec, got, tt.want)
		}
	}
}

// TestPyJSONString checks the escaping of json.dumps(ensure_ascii=False).
func TestPyJSONString(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"plain", `"plain"`},
		{`a"b\c`, `"a\"b\\c"`},
		{"t\tn\nr\r", `"t\tn\nr\r"`},
		{"\x01\x7f", `"\u0001` + "\x7f" + `"`},
		{"μ ± ü", `"μ ± ü"`},
	}
	for _, tt := range tests {
		if got := pyJSONString(tt.in); got != tt.want {
			t.Errorf("pyJSONString(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}
