package tokenize

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestSentencePieceLiveParity trains models with spm_train on a corpus
// (the file named by TOKENIZE_PARITY_FILE, or raw toy lines) and compares
// Encode with spm_encode on every line. Skipped when the sentencepiece
// tools are not installed, and under -short.
func TestSentencePieceLiveParity(t *testing.T) {
	if testing.Short() {
		t.Skip("trains five sentencepiece models; skipped under -short")
	}
	if _, err := exec.LookPath("spm_train"); err != nil {
		t.Skip("spm_train not installed (Debian package sentencepiece)")
	}
	if _, err := exec.LookPath("spm_encode"); err != nil {
		t.Skip("spm_encode not installed (Debian package sentencepiece)")
	}
	dir := t.TempDir()
	corpus := os.Getenv("TOKENIZE_PARITY_FILE")
	if corpus == "" {
		corpus = filepath.Join(dir, "corpus.txt")
		lines := append(rawToyLines(t, 2000), readTestLines(t, "testdata/spm_input.txt")...)
		if err := os.WriteFile(corpus, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	lines := readTestLines(t, corpus)
	for _, flags := range [][]string{
		{"--vocab_size=1000"},
		{"--vocab_size=1000", "--byte_fallback=true"},
		{"--vocab_size=800", "--add_dummy_prefix=false", "--remove_extra_whitespaces=false"},
		{"--vocab_size=800", "--normalization_rule_name=nfkc"},
		{"--vocab_size=800", "--normalization_rule_name=identity"},
	} {
		name := strings.Join(flags, " ")
		prefix := filepath.Join(dir, "m")
		args := append([]string{"--input=" + corpus, "--model_prefix=" + prefix, "--model_type=bpe", "--minloglevel=2"}, flags...)
		if out, err := exec.Command("spm_train", args...).CombinedOutput(); err != nil {
			t.Fatalf("spm_train %s: %v\n%s", name, err, out)
		}
		cmd := exec.Command("spm_encode", "--model="+prefix+".model", "--output_format=piece", "--input="+corpus)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("spm_encode: %v", err)
		}
		want := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
		sp, err := LoadSentencePiece(prefix + ".model")
		if err != nil {
			t.Fatal(err)
		}
		if len(want) != len(lines) {
			t.Fatalf("%s: spm_encode printed %d lines for %d", name, len(want), len(lines))
		}
		bad := 0
		for i, line := range lines {
			if got := strings.Join(sp.Encode(line), " "); got != want[i] && bad < 5 {
				bad++
				t.Errorf("%s: line %d: Encode(%q) =\n%q, spm_encode gives\n%q", name, i+1, line, got, want[i])
			}
		}
	}
}
