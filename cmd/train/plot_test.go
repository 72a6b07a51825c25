package main

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/seq2seq/transformer/train/curves"
)

func TestPlotCommand(t *testing.T) {
	golden, err := os.ReadFile(filepath.Join("..", "..", "train", "curves", "testdata", curves.MetricsFile))
	if err != nil {
		t.Fatal(err)
	}
	runDir := t.TempDir()
	if err := os.WriteFile(filepath.Join(runDir, curves.MetricsFile), golden, 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "c.png")
	for _, args := range [][]string{
		{"plot", runDir, "--out", out},
		{"plot", "--out", out, runDir},
		{"plot", runDir},
	} {
		var stdout bytes.Buffer
		if err := run(context.Background(), args, nil, &stdout, &stdout); err != nil {
			t.Fatalf("run %q: %v", args, err)
		}
		want := out
		if len(args) == 2 {
			want = filepath.Join(runDir, curves.FileName)
		}
		if got := stdout.String(); got != "wrote "+want+"\n" {
			t.Errorf("run %q printed %q, want %q", args, got, "wrote "+want+"\n")
		}
		f, err := os.Open(want)
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := png.DecodeConfig(f)
		f.Close()
		if err != nil || cfg.Width != curves.WidthPx || cfg.Height != curves.HeightPx {
			t.Errorf("run %q wrote %dx%d, %v; want a %dx%d PNG", args, cfg.Width, cfg.Height, err, curves.WidthPx, curves.HeightPx)
		}
	}
}

func TestPlotCommandErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"plot"}, "RUN_DIR is required"},
		{[]string{"plot", dir, "extra"}, `unexpected argument "extra"`},
		{[]string{"plot", dir, "--bogus"}, "flag provided but not defined: -bogus"},
		{[]string{"plot", dir}, filepath.Join(dir, curves.MetricsFile)},
	}
	for _, tt := range tests {
		var stdout bytes.Buffer
		err := run(context.Background(), tt.args, nil, &stdout, &stdout)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("run %q = %v, want an error containing %q", tt.args, err, tt.want)
		}
	}
}
