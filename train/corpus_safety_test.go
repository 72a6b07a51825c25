package train

import (
	"io"
	"os"
	"strings"
	"testing"

	"github.com/seq2seq/transformer/data"
)

// appendLine appends one line to the training file of cfg's side ext.
func appendLine(t *testing.T, cfg *Config, ext, line string) {
	t.Helper()
	f, err := os.OpenFile(cfg.Data.Path("train", ext), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(line + "\n"); err != nil {
		t.Fatal(err)
	}
}

// TestVocabularyIgnoresDroppedPairs adds to the micro corpus a pair of 500
// new words (over data.max_len) and a pair with a 10 MB source line (over
// data.MaxLineBytes): neither may change the vocabularies, and the second
// is reported as dropped.
func TestVocabularyIgnoresDroppedPairs(t *testing.T) {
	cfg := microConfig(t, t.TempDir())
	if err := EnsureData(cfg, io.Discard); err != nil {
		t.Fatal(err)
	}
	before, err := LoadCorpus(cfg, nil, nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	words := make([]string, 500)
	for i := range words {
		words[i] = "neu" + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + string(rune('a'+i/26))
	}
	appendLine(t, cfg, cfg.Data.Src, strings.Join(words, " "))
	appendLine(t, cfg, cfg.Data.Tgt, strings.Join(words, " "))
	big := strings.Repeat("huge ", 2<<20) // 10 MB
	appendLine(t, cfg, cfg.Data.Src, big+"onlyhere")
	appendLine(t, cfg, cfg.Data.Tgt, "zzkurzzz")
	var log strings.Builder
	after, err := LoadCorpus(cfg, nil, nil, &log)
	if err != nil {
		t.Fatal(err)
	}
	if after.Src.Size() != before.Src.Size() || after.Tgt.Size() != before.Tgt.Size() {
		t.Errorf("vocabularies %d/%d after adding dropped pairs, want %d/%d",
			after.Src.Size(), after.Tgt.Size(), before.Src.Size(), before.Tgt.Size())
	}
	if after.Tgt.ID("zzkurzzz") != data.UnkID {
		t.Errorf("the target of the dropped 10 MB pair entered the vocabulary")
	}
	if len(after.Train) != len(before.Train) {
		t.Errorf("%d training pairs, want %d", len(after.Train), len(before.Train))
	}
	if !strings.Contains(log.String(), "1 pairs dropped for a line over") {
		t.Errorf("log does not report the 10 MB line:\n%s", log.String())
	}
}
