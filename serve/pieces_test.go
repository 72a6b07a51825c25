package serve

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/seq2seq/transformer/align"
	"github.com/seq2seq/transformer/data"
	"github.com/seq2seq/transformer/data/tokenize"
	"github.com/seq2seq/transformer/train"
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
	if got := align.WordTexts(src, tokenize.Chars{}.Decode); !slices.Equal(got, []string{"abc", "d"}) {
		t.Errorf("align.WordTexts(%q) = %q, want [abc d]", src, got)
	}
}

// TestValidReportSubword scores a bpe model trained on the word-level toy
// corpus (which has gold alignments) on its validation split: the pieces
// are merged into the gold's words, so every pair is scored.
func TestValidReportSubword(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a bpe micro checkpoint; skipped in -short mode")
	}
	cfg, err := train.LoadConfig(filepath.Join("..", "configs", "micro.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	cfg.Data.Dir, cfg.Out = filepath.Join(root, "data"), filepath.Join(root, "out")
	cfg.Data.Tokenizer, cfg.Data.VocabSize, cfg.Data.MaxLen = "bpe", 60, 48
	res, err := train.Run(context.Background(), cfg, train.Options{Steps: 5, Stdout: &strings.Builder{}, Log: &strings.Builder{}})
	if err != nil {
		t.Fatal(err)
	}
	l, err := train.LoadModel(res.RunDir)
	if err != nil {
		t.Fatal(err)
	}
	be, err := NewModelBackend(l, "")
	if err != nil {
		t.Fatal(err)
	}
	if be.Info().Tokenizer != "bpe" {
		t.Errorf("tokenizer %q, want bpe", be.Info().Tokenizer)
	}
	rep, err := be.ValidReport(context.Background(), 12)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Sentences != 12 {
		t.Errorf("report scored %d pairs, want 12", rep.Sentences)
	}
	pieces, words := 0, 0
	pairs, err := data.ReadSplit(cfg.Data.Dir, "valid", cfg.Data.Src, cfg.Data.Tgt)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pairs[:12] {
		pieces += len(l.Tok.EncodeSource(strings.Join(p.Src, " ")))
		words += len(p.Src)
	}
	if pieces <= words {
		t.Errorf("%d pieces for %d source words: nothing to merge", pieces, words)
	}
}
