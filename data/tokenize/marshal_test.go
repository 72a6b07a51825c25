package tokenize

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMarshalParse checks that Marshal gives the bytes Save writes and that
// Parse reads them back to a tokenizer encoding the same way, for every kind.
func TestMarshalParse(t *testing.T) {
	bpe, err := LearnBPE([]string{"the cat sat on the mat", "the dog ate the cat"}, 20)
	if err != nil {
		t.Fatal(err)
	}
	spm, err := LoadSentencePiece(filepath.Join("testdata", "spm_bpe.model"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tok := range []Tokenizer{Words{}, Chars{}, bpe, spm} {
		t.Run(string(tok.Kind()), func(t *testing.T) {
			b, err := Marshal(tok)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), "tok")
			if err := tok.Save(path); err != nil {
				t.Fatal(err)
			}
			saved, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(b, saved) {
				t.Fatalf("Marshal gives %d bytes, Save writes %d different ones", len(b), len(saved))
			}
			back, err := Parse("mem", b)
			if err != nil {
				t.Fatal(err)
			}
			line := "The cat sat, on Ölberg."
			if got, want := strings.Join(back.Encode(line), " "), strings.Join(tok.Encode(line), " "); got != want || back.Kind() != tok.Kind() {
				t.Errorf("parsed %s encodes %q, want %q", back.Kind(), got, want)
			}
		})
	}
}

// TestParseCorrupt checks that a changed byte is refused, naming the file.
func TestParseCorrupt(t *testing.T) {
	b, err := Marshal(Chars{})
	if err != nil {
		t.Fatal(err)
	}
	b[len(fileMagic)+7] = 'X' // inside "kind chars"
	_, err = Parse("ckpt/src.tokenizer", b)
	if err == nil || !strings.Contains(err.Error(), "ckpt/src.tokenizer") || !strings.Contains(err.Error(), "corrupt") {
		t.Fatalf("Parse of a changed file: err %v, want a corrupt-file error naming it", err)
	}
}
