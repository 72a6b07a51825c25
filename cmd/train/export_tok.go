package main

import (
	"fmt"

	"github.com/seq2seq/transformer/data"
	"github.com/seq2seq/transformer/data/tokenize"
	"github.com/seq2seq/transformer/train"
)

// exportTokenizers writes the model's tokenizer files beside an export,
// base.src.tokenizer and base.tgt.tokenizer (the files of data/tokenize,
// as in the checkpoint), and returns their paths; a words model has none.
func exportTokenizers(l *train.Loaded, base string) ([]string, error) {
	if l.Tok.Words() {
		return nil, nil
	}
	var files []string
	for _, side := range []struct {
		path string
		tok  tokenize.Tokenizer
	}{{base + ".src.tokenizer", l.Tok.Src}, {base + ".tgt.tokenizer", l.Tok.Tgt}} {
		b, err := tokenize.Marshal(side.tok)
		if err != nil {
			return files, err
		}
		if err := data.WriteFileAtomic(side.path, b); err != nil {
			return files, fmt.Errorf("write %s: %w", side.path, err)
		}
		files = append(files, side.path)
	}
	return files, nil
}
