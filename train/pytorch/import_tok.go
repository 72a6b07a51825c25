package pytorch

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/seq2seq/transformer/data/tokenize"
	"github.com/seq2seq/transformer/train"
)

// tokenizerFiles reads the tokenizer files an export wrote beside the
// safetensors file at path (base.src.tokenizer and base.tgt.tokenizer),
// checking them, for the imported checkpoint. None for a words config;
// for another tokenizer both must be there and of the config's kind.
func tokenizerFiles(path string, cfg *train.Config) (src, tgt []byte, err error) {
	if cfg.Data.Tokenizer == "" || cfg.Data.Tokenizer == string(tokenize.KindWords) {
		return nil, nil, nil
	}
	base := Base(path)
	var out [2][]byte
	for i, p := range []string{base + ".src.tokenizer", base + ".tgt.tokenizer"} {
		b, err := os.ReadFile(p)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil, fmt.Errorf("data.tokenizer is %s but there is no tokenizer file %s beside the weights", cfg.Data.Tokenizer, p)
		}
		if err != nil {
			return nil, nil, err
		}
		t, err := tokenize.Parse(p, b)
		if err != nil {
			return nil, nil, err
		}
		if string(t.Kind()) != cfg.Data.Tokenizer {
			return nil, nil, fmt.Errorf("%s is a %s tokenizer, the config's data.tokenizer is %s", p, t.Kind(), cfg.Data.Tokenizer)
		}
		out[i] = b
	}
	return out[0], out[1], nil
}
