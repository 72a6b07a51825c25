package main

import (
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/seq2seq/transformer/train/curves"
)

// TestTrainingDrawsCurves checks that a training run leaves the learning
// curves of its evaluations in the run folder.
func TestTrainingDrawsCurves(t *testing.T) {
	_, runDir := microRun(t)
	f, err := os.Open(filepath.Join(runDir, curves.FileName))
	if err != nil {
		t.Fatalf("training left no learning curves: %v", err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("decode %s: %v", curves.FileName, err)
	}
	if b := img.Bounds(); b.Dx() != curves.WidthPx || b.Dy() != curves.HeightPx {
		t.Errorf("%s is %dx%d, want %dx%d", curves.FileName, b.Dx(), b.Dy(), curves.WidthPx, curves.HeightPx)
	}
}
