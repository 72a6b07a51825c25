package train

import (
	"fmt"
	"io"
	"path/filepath"

	"github.com/seq2seq/transformer/data"
)

// tokenizers returns the run's tokenizers. A fresh run makes them from the
// config (NewTokenizers: bpe is learned here). Resuming the run's own
// checkpoint makes them the same way and requires them to equal the
// checkpoint's, byte for byte; starting from another run's checkpoint
// (Options.From) takes that checkpoint's, which must be of the kind
// data.tokenizer names.
func (rp *resumePoint) tokenizers(cfg *Config, opt Options) (Tokenizers, error) {
	if rp != nil && opt.From != "" {
		t, err := tokenizersOf(rp.st, rp.path)
		if err != nil {
			return Tokenizers{}, fmt.Errorf("start from %s: %w", rp.path, err)
		}
		if string(t.Kind()) != cfg.Data.Tokenizer {
			return Tokenizers{}, &ConfigError{Key: "data.tokenizer", Msg: fmt.Sprintf("%s, but checkpoint %s was trained with tokenizer %s", cfg.Data.Tokenizer, rp.path, t.Kind())}
		}
		return t, nil
	}
	t, err := NewTokenizers(cfg, opt.Log)
	if err != nil {
		return Tokenizers{}, err
	}
	if rp != nil {
		if err := sameTokenizers(t, rp.st, rp.path); err != nil {
			return Tokenizers{}, fmt.Errorf("resume: %w", err)
		}
	}
	return t, nil
}

// saveTokenizers writes the tokenizer files into the run directory
// (src.tokenizer and tgt.tokenizer; none for words), for reading beside
// the checkpoints, which hold their own copies.
func saveTokenizers(runDir string, t Tokenizers, log io.Writer) error {
	src, tgt, err := t.files()
	if err != nil || src == nil {
		return err
	}
	for _, f := range []struct {
		name string
		body []byte
	}{{"src.tokenizer", src}, {"tgt.tokenizer", tgt}} {
		path := filepath.Join(runDir, f.name)
		if err := data.WriteFileAtomic(path, f.body); err != nil {
			return fmt.Errorf("save tokenizer: %w", err)
		}
	}
	fmt.Fprintf(log, "tokenizer: %s, saved as %s\n", t.Kind(), filepath.Join(runDir, "{src,tgt}.tokenizer"))
	return nil
}
