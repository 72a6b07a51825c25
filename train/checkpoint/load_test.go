package checkpoint

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// flipBit flips bit (offset%8) of the byte at offset in path.
func flipBit(t *testing.T, path string, offset int) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	data[offset] ^= 1 << (offset % 8)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// truncate cuts n bytes off the end of path.
func truncate(t *testing.T, path string, n int) {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(path, info.Size()-int64(n)); err != nil {
		t.Fatal(err)
	}
}

// assertCorrupt fails unless err is a corruption error naming path.
func assertCorrupt(t *testing.T, err error, path, context string) {
	t.Helper()
	if err == nil {
		t.Errorf("%s: Load error = nil, want %s reported corrupt", context, path)
		return
	}
	if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), path+" is corrupt") {
		t.Errorf("%s: Load error = %v, want one saying %s is corrupt", context, err, path)
	}
}

func TestLoadDetectsCorruption(t *testing.T) {
	tests := []struct {
		name   string
		file   string
		damage func(t *testing.T, path string)
		reason string
	}{
		{"params truncated", "params.bin", func(t *testing.T, p string) { truncate(t, p, 4) }, "size"},
		{"params truncated by one byte", "params.bin", func(t *testing.T, p string) { truncate(t, p, 1) }, "size"},
		{"params bit flip", "params.bin", func(t *testing.T, p string) { flipBit(t, p, 5) }, "sha256"},
		{"adam bit flip", "adam.bin", func(t *testing.T, p string) { flipBit(t, p, 17) }, "sha256"},
		{"config bit flip", "config.yaml", func(t *testing.T, p string) { flipBit(t, p, 2) }, "sha256"},
		{"src vocab bit flip", "src.vocab", func(t *testing.T, p string) { flipBit(t, p, 3) }, "sha256"},
		{"tgt vocab truncated", "tgt.vocab", func(t *testing.T, p string) { truncate(t, p, 1) }, "size"},
		{"params missing", "params.bin", func(t *testing.T, p string) { os.Remove(p) }, "missing"},
		{"meta missing", "meta.json", func(t *testing.T, p string) { os.Remove(p) }, "missing"},
		{"meta bit flip", "meta.json", func(t *testing.T, p string) { flipBit(t, p, 30) }, ""},
		{"meta truncated", "meta.json", func(t *testing.T, p string) { truncate(t, p, 2) }, ""},
		{"meta emptied", "meta.json", func(t *testing.T, p string) { os.WriteFile(p, nil, 0o644) }, "no checksum field"},
		{"meta appended", "meta.json", func(t *testing.T, p string) {
			f, _ := os.OpenFile(p, os.O_APPEND|os.O_WRONLY, 0)
			f.WriteString("{}\n")
			f.Close()
		}, ""},
	}
	for _, tt := range tests {
		dir := mustSave(t, t.TempDir(), testState(3), 0, false)
		path := filepath.Join(dir, tt.file)
		tt.damage(t, path)
		st, err := Load(dir)
		assertCorrupt(t, err, path, tt.name)
		if st != nil {
			t.Errorf("%s: Load returned a state with the error", tt.name)
		}
		if err != nil && !strings.Contains(err.Error(), tt.reason) {
			t.Errorf("%s: Load error = %v, want it to say %q", tt.name, err, tt.reason)
		}
	}
}

func TestLoadDetectsEveryMetaBitFlip(t *testing.T) {
	dir := mustSave(t, t.TempDir(), testState(3), 0, false)
	path := filepath.Join(dir, metaFile)
	orig, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for offset := range orig {
		flipBit(t, path, offset)
		_, err := Load(dir)
		assertCorrupt(t, err, path, fmt.Sprintf("flipped bit in meta.json byte %d %q", offset, orig[offset]))
		if err := os.WriteFile(path, orig, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestLoadDetectsEveryParamsByteFlip(t *testing.T) {
	dir := mustSave(t, t.TempDir(), testState(3), 0, false)
	path := filepath.Join(dir, paramsFile)
	orig, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for offset := range orig {
		flipBit(t, path, offset)
		_, err := Load(dir)
		assertCorrupt(t, err, path, "flipped bit in params.bin")
		if err := os.WriteFile(path, orig, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestLoadRejectsShapesThatDisagreeWithData(t *testing.T) {
	// meta.json with a valid checksum whose shapes do not fit params.bin.
	dir := mustSave(t, t.TempDir(), testState(3), 0, false)
	path := filepath.Join(dir, metaFile)
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m, err := decodeMeta(raw)
	if err != nil {
		t.Fatal(err)
	}
	m.Params[0].Shape = []int{2, 4}
	data, err := m.encode()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = Load(dir)
	assertCorrupt(t, err, filepath.Join(dir, paramsFile), "shapes that do not fit")
}

func TestLoadErrors(t *testing.T) {
	root := t.TempDir()
	runDir := filepath.Join(root, "run")
	mustSave(t, runDir, testState(1), 0, false)
	if err := os.WriteFile(filepath.Join(runDir, LatestFile), []byte("../../etc\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path string
		want string
	}{
		{filepath.Join(root, "absent"), "no such file"},
		{filepath.Join(runDir, LatestFile), "is not a directory"},
		{runDir, filepath.Join(runDir, LatestFile) + ` is corrupt: holds "../../etc"`},
		{root, filepath.Join(root, metaFile) + " is corrupt: missing"},
	}
	for _, tt := range tests {
		_, err := Load(tt.path)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Load(%q) = %v, want an error containing %q", tt.path, err, tt.want)
		}
	}
}
