package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRunWritesCorpus(t *testing.T) {
	dir := t.TempDir()
	if err := run([]string{"--dir", dir, "--src-vocab", "300", "--tgt-vocab", "200", "--train", "100", "--valid", "5", "--test", "7"}, io.Discard); err != nil {
		t.Fatal(err)
	}
	for name, lines := range map[string]int{"train.src": 100, "train.tgt": 100, "valid.src": 5, "test.tgt": 7} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Count(string(b), "\n"); got != lines {
			t.Errorf("%s: %d lines, want %d", name, got, lines)
		}
	}
	if err := run([]string{"--src-vocab", "300"}, io.Discard); err == nil {
		t.Error("no --dir: no error")
	}
}
