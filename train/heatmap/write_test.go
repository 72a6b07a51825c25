package heatmap

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWritePNGReplacesFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "attn.png")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	m := Map{Rows: tokens("t", 2), Cols: tokens("s", 2), Values: eye(2)}
	if err := WritePNG(path, m, Options{}); err != nil {
		t.Fatalf("WritePNG = %v", err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(data), "\x89PNG") {
		t.Errorf("%s starts with %q, want a PNG signature", path, data[:min(8, len(data))])
	}
	assertOnly(t, dir, "attn.png")
}

func TestWritePNGErrors(t *testing.T) {
	good := Map{Rows: tokens("t", 2), Cols: tokens("s", 2), Values: eye(2)}
	tests := []struct {
		name string
		path func(dir string) string
		m    Map
		opt  Options
		want error
	}{
		{"missing directory", func(dir string) string { return filepath.Join(dir, "no", "such", "dir", "a.png") }, good, Options{}, os.ErrNotExist},
		{"invalid map", func(dir string) string { return filepath.Join(dir, "a.png") }, Map{}, Options{}, ErrEmpty},
		{"invalid options", func(dir string) string { return filepath.Join(dir, "a.png") }, good, Options{CellSize: 1}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := tt.path(dir)
			err := WritePNG(path, tt.m, tt.opt)
			if err == nil {
				t.Fatalf("WritePNG(%s) = nil, want error", path)
			}
			if !strings.Contains(err.Error(), path) {
				t.Errorf("WritePNG(%s) = %q, want the path in the message", path, err)
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("WritePNG(%s) = %v, want errors.Is %v", path, err, tt.want)
			}
			assertOnly(t, dir) // no temporary file left behind
		})
	}
}

// assertOnly fails t unless dir holds exactly the named entries.
func assertOnly(t *testing.T, dir string, names ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if strings.Join(got, ",") != strings.Join(names, ",") {
		t.Errorf("%s holds %q, want %q", dir, got, names)
	}
}
