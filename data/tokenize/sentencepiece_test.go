package tokenize

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSentencePieceGolden checks Encode against spm_encode's pieces
// (testdata/make_golden.sh) and that Decode gives back the normalised line.
func TestSentencePieceGolden(t *testing.T) {
	input := readTestLines(t, "testdata/spm_input.txt")
	for _, name := range []string{"spm_bpe", "spm_bpe_bytes"} {
		t.Run(name, func(t *testing.T) {
			sp, err := LoadSentencePiece(filepath.Join("testdata", name+".model"))
			if err != nil {
				t.Fatal(err)
			}
			golden := readTestLines(t, filepath.Join("testdata", name+".golden"))
			if len(golden) != len(input) {
				t.Fatalf("golden has %d lines, input %d", len(golden), len(input))
			}
			for i, line := range input {
				got := strings.Join(sp.Encode(line), " ")
				if got != golden[i] {
					t.Errorf("line %d: Encode(%q) =\n%q, spm_encode gives\n%q", i+1, line, got, golden[i])
				}
				if dec := sp.Decode(sp.Encode(line)); dec != Normalize(line) {
					t.Errorf("line %d: Decode(Encode(%q)) = %q, want %q", i+1, line, dec, Normalize(line))
				}
			}
		})
	}
}

// TestSentencePieceSaveLoad checks that the tokenizer file keeps the model.
func TestSentencePieceSaveLoad(t *testing.T) {
	sp, err := LoadSentencePiece("testdata/spm_bpe.model")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "tok")
	if err := sp.Save(path); err != nil {
		t.Fatal(err)
	}
	back, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if back.Kind() != KindSentencePiece || len(back.Pieces()) != 400 {
		t.Fatalf("loaded %s with %d pieces, want sentencepiece with 400", back.Kind(), len(back.Pieces()))
	}
	line := "Anna, der hund sieht die katze im Jahr 1999."
	if g, w := strings.Join(back.Encode(line), " "), strings.Join(sp.Encode(line), " "); g != w {
		t.Errorf("loaded Encode = %q, want %q", g, w)
	}
}

// TestSentencePieceErrors checks the refusals of unsupported models.
func TestSentencePieceErrors(t *testing.T) {
	garbage := filepath.Join(t.TempDir(), "garbage.model")
	if err := os.WriteFile(garbage, []byte("\xff\xff\xff"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ path, want string }{
		{"testdata/spm_unigram.model", "model type unigram is not supported: train it with spm_train --model_type=bpe"},
		{"testdata/missing.model", "no such file"},
		{garbage, "not a sentencepiece model"},
	} {
		_, err := LoadSentencePiece(tc.path)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("LoadSentencePiece(%s) error = %v, want one containing %q", tc.path, err, tc.want)
		}
	}
}

// readTestLines reads a testdata file's lines.
func readTestLines(t *testing.T, path string) []string {
	t.Helper()
	lines, err := ReadLines(path)
	if err != nil {
		t.Fatal(err)
	}
	return lines
}
