package checkpoint

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// tokFile is a tokenizer file as package data/tokenize writes one; the
// checkpoint only stores its bytes.
var tokFile = []byte("seq2seq-tokenizer 1\nkind chars\nsha256 0000\n")

// TestTokenizerRoundTrip checks that tokenizer files come back byte for
// byte, that Inspect names their kind and digests, and that a damaged,
// missing or unlisted one is a corruption error naming the file.
func TestTokenizerRoundTrip(t *testing.T) {
	runDir := t.TempDir()
	st := testState(7)
	st.SrcTokenizer, st.TgtTokenizer = tokFile, append([]byte(nil), tokFile...)
	path := mustSave(t, runDir, st, 0, false)
	back, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(back.SrcTokenizer, tokFile) || !bytes.Equal(back.TgtTokenizer, tokFile) {
		t.Fatalf("Load gives tokenizers %q, %q, want %q twice", back.SrcTokenizer, back.TgtTokenizer, tokFile)
	}
	info, err := Inspect(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Tokenizer != "chars" || info.SrcTokenizerSHA256 != sha256Hex(tokFile) || info.SrcTokenizerSHA256 == "" {
		t.Errorf("Inspect gives tokenizer %q, sha256 %q, want chars, %s", info.Tokenizer, info.SrcTokenizerSHA256, sha256Hex(tokFile))
	}

	flipBit(t, filepath.Join(path, tgtTokFile), 2)
	if _, err := Load(path); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "tgt.tokenizer is corrupt") {
		t.Errorf("Load with a damaged tokenizer = %v, want a corruption error naming tgt.tokenizer", err)
	}
	if err := os.Remove(filepath.Join(path, tgtTokFile)); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(path); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "tgt.tokenizer is corrupt: missing") {
		t.Errorf("Load with a missing tokenizer = %v, want a corruption error naming tgt.tokenizer", err)
	}
}

// TestTokenizerOneSide checks that a state with one tokenizer is refused.
func TestTokenizerOneSide(t *testing.T) {
	st := testState(1)
	st.SrcTokenizer = tokFile
	if _, err := Save(t.TempDir(), st, 0, false); err == nil || !strings.Contains(err.Error(), "tokenizer") {
		t.Errorf("Save with one tokenizer = %v, want an error", err)
	}
}

func TestTokenizerKind(t *testing.T) {
	for _, tt := range []struct{ file, want string }{
		{"", "words"},
		{"seq2seq-tokenizer 1\nkind bpe\nx\n", "bpe"},
		{"garbage", "unknown"},
	} {
		if got := TokenizerKind([]byte(tt.file)); got != tt.want {
			t.Errorf("TokenizerKind(%q) = %q, want %q", tt.file, got, tt.want)
		}
	}
}
