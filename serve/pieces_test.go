package serve

import (
	"slices"
	"testing"

	"github.com/seq2seq/transformer/data/tokenize"
)

// TestPieceWords merges a hand-made piece-level cross-attention into
// words: source pieces summed, target rows averaged, the EOS row dropped.
func TestPieceWords(t *testing.T) {
	src := []string{"▁ab", "c", "▁d"} // words: abc, d
	tgt := []string{"▁x", "▁y", "z"}  // words: x, yz
	cross := [][][][]float64{{{
		{0.1, 0.2, 0.7},
		{0.5, 0.3, 0.2},
		{0.1, 0.1, 0.8},
		{1, 0, 0}, // EOS
	}}}
	got, err := pieceWords(cross, src, tgt)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]float64{{0.3, 0.7}, {0.5, 0.5}}
	m := got[0][0]
	if len(m) != 2 || len(m[0]) != 2 {
		t.Fatalf("pieceWords = %v, want %v", m, want)
	}
	for i := range want {
		for j := range want[i] {
			if d := m[i][j] - want[i][j]; d > 1e-12 || d < -1e-12 {
				t.Errorf("pieceWords[%d][%d] = %v, want %v", i, j, m[i][j], want[i][j])
			}
		}
	}
	if _, err := pieceWords(cross, src, append(tgt, "w", "v")); err == nil {
		t.Errorf("pieceWords with more target pieces than rows: no error")
	}
	if got := wordTexts(src, tokenize.Chars{}); !slices.Equal(got, []string{"abc", "d"}) {
		t.Errorf("wordTexts(%q) = %q, want [abc d]", src, got)
	}
}
