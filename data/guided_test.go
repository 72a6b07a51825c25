package data

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/seq2seq/transformer/align"
)

// TestGuidedTargetLayout checks a hand-made batch: two pairs in reverse
// order, a filler row, bucket padding, a target word with two links, one
// without, and a possible link counted like a sure one.
func TestGuidedTargetLayout(t *testing.T) {
	pairs := []Encoded{
		{Src: []int{5, 6, 7}, Tgt: []int{8, 9}},
		{Src: []int{5, 6}, Tgt: []int{8, 9, 10}},
	}
	links := [][]align.Link{
		{{Src: 2, Tgt: 0}, {Src: 0, Tgt: 1, Possible: true}},
		{{Src: 1, Tgt: 0}, {Src: 0, Tgt: 0}, {Src: 1, Tgt: 2}}, // target word 1 unaligned
	}
	b := MakeBatch(pairs, []int{1, 0}, 4, 3) // B 3, S 4, T 4 (3 words + EOS)
	if b.B != 3 || b.S != 4 || b.T != 4 {
		t.Fatalf("batch %d×%d×%d, want 3×4×4", b.B, b.T, b.S)
	}
	got, err := GuidedTarget(b, pairs, links)
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{
		// batch row 0 = pair 1: decoder rows predict 8, 9, 10, EOS
		0.5, 0.5, 0, 0,
		0, 0, 0, 0,
		0, 1, 0, 0,
		0, 0, 0, 0,
		// batch row 1 = pair 0
		0, 0, 1, 0,
		1, 0, 0, 0,
		0, 0, 0, 0,
		0, 0, 0, 0,
		// filler row
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("GuidedTarget =\n%v\nwant\n%v", got, want)
	}
	// Row t of the target lines up with TgtOut[t], the word it predicts.
	if b.TgtOut[0] != 8 || b.TgtIn[0] != BOSID || b.TgtOut[b.T+1] != 9 {
		t.Errorf("batch layout changed: TgtIn %v TgtOut %v", b.TgtIn, b.TgtOut)
	}
	bad := [][]align.Link{{{Src: 3, Tgt: 0}}, nil}
	if _, err := GuidedTarget(b, pairs, bad); err == nil || !strings.Contains(err.Error(), "pair 0: link 3-0 outside") {
		t.Errorf("out-of-range link: error %v", err)
	}
	if _, err := GuidedTarget(b, pairs, links[:1]); err == nil {
		t.Error("missing alignment: no error")
	}
}

func TestReadAlignSplit(t *testing.T) {
	dir := t.TempDir()
	cfg := ToyConfig{Seed: 5, Train: 30, Valid: 4, Test: 4, MinLen: 3, MaxLen: 25}
	if err := WriteToy(dir, "src", "tgt", cfg); err != nil {
		t.Fatal(err)
	}
	pairs, err := ReadSplit(dir, "valid", "src", "tgt")
	if err != nil {
		t.Fatal(err)
	}
	als, err := ReadAlignSplit(dir, "valid", pairs)
	if err != nil || len(als) != len(pairs) {
		t.Fatalf("ReadAlignSplit = %d alignments, %v; want %d", len(als), err, len(pairs))
	}
	_, valid, _, _ := GenerateToyAligned(cfg)
	for i := range valid {
		if align.FormatLine(als[i]) != align.FormatLine(valid[i].Links) {
			t.Errorf("line %d read %v, generated %v", i+1, als[i], valid[i].Links)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "test.align"), []byte("0-0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	test, _ := ReadSplit(dir, "test", "src", "tgt")
	if _, err := ReadAlignSplit(dir, "test", test); err == nil || !strings.Contains(err.Error(), "test.align: 1 lines, want 4") {
		t.Errorf("short alignment file: error %v", err)
	}
}
