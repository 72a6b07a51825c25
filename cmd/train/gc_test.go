package main

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime/debug"
	"testing"
)

// TestSetGCPercent checks that train sets the collector's target to
// defaultGCPercent when GOGC is unset and leaves a GOGC the user set alone.
func TestSetGCPercent(t *testing.T) {
	old := debug.SetGCPercent(100)
	defer debug.SetGCPercent(old)
	t.Setenv("GOGC", "100")
	setGCPercent()
	if got := gcPercent(); got != 100 {
		t.Errorf("with GOGC=100: gc percent %d, want 100", got)
	}
	if err := os.Unsetenv("GOGC"); err != nil {
		t.Fatal(err)
	}
	setGCPercent()
	if got := gcPercent(); got != defaultGCPercent {
		t.Errorf("with GOGC unset: gc percent %d, want %d", got, defaultGCPercent)
	}
}

// TestAfterEvalWritesHeapProfile checks that train --memprofile's hook
// writes the heap profile after an evaluation, and writes nothing without
// the flag.
func TestAfterEvalWritesHeapProfile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "heap.pprof")
	var stderr bytes.Buffer
	afterEval(&stderr, "")(dir)
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("without --memprofile: stat %s = %v, want not exist", path, err)
	}
	afterEval(&stderr, path)(dir)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) < 2 || b[0] != 0x1f || b[1] != 0x8b {
		t.Errorf("heap profile starts %x, want gzip's 1f8b", b[:min(len(b), 2)])
	}
}
