package tokenize

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/bpe_toy.tok")

// TestLearnBPEGolden pins the tokenizer file learned from 300 raw toy
// pairs with 200 pieces, so a change of the learner, its tie rule or the
// file format shows up. Regenerate with go test -run Golden -update.
func TestLearnBPEGolden(t *testing.T) {
	b, err := LearnBPE(rawToyLines(t, 300), 200)
	if err != nil {
		t.Fatal(err)
	}
	got := filepath.Join(t.TempDir(), "bpe.tok")
	if err := b.Save(got); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(got)
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "bpe_toy.tok")
	if *update {
		if err := os.WriteFile(golden, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if string(data) != string(want) {
		t.Errorf("learned tokenizer file differs from %s (rerun with -update if the change is intended)", golden)
	}
	if _, err := Load(golden); err != nil {
		t.Errorf("Load(%s): %v", golden, err)
	}
}
