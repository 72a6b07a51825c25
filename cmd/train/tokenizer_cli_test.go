package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/seq2seq/transformer/data/tokenize"
	"github.com/seq2seq/transformer/train"
	"github.com/seq2seq/transformer/train/heatmap"
)

// bpeMicro edits micro.yaml to train on the raw toy corpus with bpe.
func bpeMicro(text string) string {
	for _, r := range [][2]string{
		{"  raw: false ", "  raw: true  "},
		{"  tokenizer: words ", "  tokenizer: bpe   "},
		{"  vocab_size: 8000 ", "  vocab_size: 200  "},
		{"  max_len: 16 ", "  max_len: 48 "},
	} {
		text = strings.Replace(text, r[0], r[1], 1)
	}
	return text
}

// TestBPEThroughTheCommands trains micro with bpe through the command
// line and checks that inspect names the tokenizer, translate turns raw
// lines into raw lines, eval prints BLEU and chrF2 and attention can merge
// pieces into words.
func TestBPEThroughTheCommands(t *testing.T) {
	if testing.Short() {
		t.Skip("training run skipped in -short mode")
	}
	dir := t.TempDir()
	cfg := mainTestConfig(t, dir, bpeMicro)
	out := filepath.Join(dir, "out")
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), []string{"--config", cfg, "--out", out, "--steps", "6"}, nil, &stdout, &stderr); err != nil {
		t.Fatalf("train: %v\n%s", err, stderr.String())
	}
	if !strings.Contains(stdout.String(), "chrF2") {
		t.Errorf("training does not report test chrF2:\n%s", stdout.String())
	}
	runDir := filepath.Join(out, "micro")

	stdout.Reset()
	if err := run(context.Background(), []string{"inspect", runDir}, nil, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	var info map[string]any
	if err := json.Unmarshal(stdout.Bytes(), &info); err != nil {
		t.Fatal(err)
	}
	if info["tokenizer"] != "bpe" || info["src_vocab"].(float64) < 256 {
		t.Errorf("inspect = %v, want tokenizer bpe and a vocabulary holding the byte pieces", info)
	}

	lines, err := runTranslate(t, "Anna, the dog sees the cat in 1987.\n\nÜber  Ωmega!\n", "--checkpoint", runDir, "--beam", "1")
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != 3 || lines[1] != "" {
		t.Fatalf("translate printed %q, want 3 lines, the second blank", lines)
	}
	for _, l := range lines {
		if strings.Contains(l, "▁") || strings.Contains(l, "<0x") {
			t.Errorf("translate printed %q, want detokenized text", l)
		}
	}

	stdout.Reset()
	if err := run(context.Background(), []string{"eval", "--config", cfg, "--checkpoint", runDir, "--beam", "1", "-f", "text"}, nil, &stdout, io.Discard); err != nil {
		t.Fatal(err)
	}
	if got := stdout.String(); !strings.HasPrefix(got, "BLEU|") || !strings.Contains(got, "\nchrF2|nrefs:1|case:mixed") {
		t.Errorf("eval -f text printed %q, want a BLEU line and a chrF2 line", got)
	}

	png := filepath.Join(dir, "attn.png")
	stdout.Reset()
	if err := run(context.Background(), []string{"attention", "--checkpoint", runDir, "--text", "Anna, the dog sees the cat.", "--out", png, "--merge-pieces"}, nil, &stdout, io.Discard); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(png); err != nil {
		t.Errorf("attention wrote no PNG: %v", err)
	}

	// export writes the tokenizer files beside the weights, import puts
	// them back into a checkpoint that translates the same way.
	file := filepath.Join(dir, "model.safetensors")
	if _, err := runPort(t, "", "export", "--checkpoint", runDir, "--out", file); err != nil {
		t.Fatal(err)
	}
	imported := filepath.Join(dir, "imported")
	if _, err := runPort(t, "", "import", "--safetensors", file, "--out", imported); err != nil {
		t.Fatal(err)
	}
	again, err := runTranslate(t, "Anna, the dog sees the cat in 1987.\n\nÜber  Ωmega!\n", "--checkpoint", imported, "--beam", "1")
	if err != nil || strings.Join(again, "\n") != strings.Join(lines, "\n") {
		t.Errorf("translate from the import = %q (%v), from the original %q", again, err, lines)
	}
	if err := os.Remove(filepath.Join(dir, "model.tgt.tokenizer")); err != nil {
		t.Fatal(err)
	}
	if _, err := runPort(t, "", "import", "--safetensors", file, "--out", filepath.Join(dir, "imported2")); err == nil || !strings.Contains(err.Error(), "model.tgt.tokenizer") {
		t.Errorf("import without the target tokenizer file: %v, want an error naming it", err)
	}
}

// TestMergeMap checks the word labels and sizes of a merged map, and that
// a words checkpoint has nothing to merge.
func TestMergeMap(t *testing.T) {
	l := &train.Loaded{Tok: train.WordTokenizers()}
	m := heatmap.Map{Rows: []string{"a", "<eos>"}, Cols: []string{"b"}, Values: [][]float64{{1}, {1}}}
	if _, err := mergeMap(l, m, true); err == nil || !strings.Contains(err.Error(), "words") {
		t.Errorf("mergeMap of a words checkpoint: %v, want an error", err)
	}
	l.Tok = train.Tokenizers{Src: tokenize.Chars{}, Tgt: tokenize.Chars{}}
	m = heatmap.Map{
		Rows: []string{"h", "i", "▁", "y", "o", "<eos>"},
		Cols: []string{"a", "▁", "b"},
		Values: [][]float64{
			{0.5, 0.25, 0.25},
			{0.1, 0.2, 0.7},
			{1, 0, 0},
			{0, 1, 0},
			{0, 0, 1},
			{0.2, 0.2, 0.6},
		},
	}
	got, err := mergeMap(l, m, true)
	if err != nil {
		t.Fatal(err)
	}
	want := heatmap.Map{
		Rows:   []string{"hi", "yo", "<eos>"},
		Cols:   []string{"a", "b"},
		Values: [][]float64{{0.3, 0.7}, {1.0 / 3, 2.0 / 3}, {0.2, 0.8}},
	}
	if !slices.Equal(got.Rows, want.Rows) || !slices.Equal(got.Cols, want.Cols) {
		t.Fatalf("merged labels %q x %q, want %q x %q", got.Rows, got.Cols, want.Rows, want.Cols)
	}
	for i := range want.Values {
		for j := range want.Values[i] {
			if math.Abs(got.Values[i][j]-want.Values[i][j]) > 1e-12 {
				t.Errorf("merged value [%d][%d] = %v, want %v", i, j, got.Values[i][j], want.Values[i][j])
			}
		}
	}
}
