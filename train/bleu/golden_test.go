package bleu

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// The testdata/*.json golden files were produced by running sacreBLEU
// 2.6.0 itself (source commit f615c72 of github.com/mjpost/sacrebleu, on
// Python 3.11.7) through testdata/generate_golden.py, which documents how
// to regenerate them. Each file holds a header and a "cases" list with one
// case per line. Random cases use a fixed seed. The only deliberate edit
// is the version field of signatures, replaced by this scorer's Version.

// goldenFile is the layout shared by the golden files.
type goldenFile[T any] struct {
	SacrebleuVersion string `json:"sacrebleu_version"`
	Cases            []T    `json:"cases"`
}

// loadGolden reads testdata/name and returns its cases.
func loadGolden[T any](t *testing.T, name string) []T {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatalf("read golden file: %v", err)
	}
	var g goldenFile[T]
	if err := json.Unmarshal(data, &g); err != nil {
		t.Fatalf("parse %s: %v", name, err)
	}
	if len(g.Cases) == 0 {
		t.Fatalf("%s has no cases", name)
	}
	return g.Cases
}
