package pytorch

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/seq2seq/transformer/data"
	"github.com/seq2seq/transformer/safetensors"
	"github.com/seq2seq/transformer/train"
)

// TokenizerHook writes the loaded model's tokenizer files beside an export
// whose files share base (the output path without ".safetensors") and
// returns their paths. Models with no tokenizer write nothing. It is the
// place for the subword tokenizers, which the checkpoint does not hold yet.
type TokenizerHook func(l *train.Loaded, base string) ([]string, error)

// VocabPaths returns the source and target vocabulary files that go beside
// the safetensors file at path: model.safetensors has model.src.vocab and
// model.tgt.vocab.
func VocabPaths(path string) (src, tgt string) {
	base := Base(path)
	return base + ".src.vocab", base + ".tgt.vocab"
}

// Base is path without its ".safetensors" extension.
func Base(path string) string { return strings.TrimSuffix(path, ".safetensors") }

// Export writes the loaded model as a safetensors file at out in PyTorch's
// names and layouts, with the model and run config as metadata, and the
// vocabularies beside it (VocabPaths). tokenizer may be nil. It returns
// every file written.
func Export(l *train.Loaded, out string, tokenizer TokenizerHook) ([]string, error) {
	ts, err := StateDict(l.Model, l.Params)
	if err != nil {
		return nil, fmt.Errorf("export %s: %w", out, err)
	}
	meta, err := metadata(l)
	if err != nil {
		return nil, fmt.Errorf("export %s: %w", out, err)
	}
	if err := safetensors.WriteFile(out, ts, meta); err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	files := []string{out}
	srcPath, tgtPath := VocabPaths(out)
	if err := writeVocab(srcPath, l.Src); err != nil {
		return files, fmt.Errorf("export source vocabulary: %w", err)
	}
	if err := writeVocab(tgtPath, l.Tgt); err != nil {
		return files, fmt.Errorf("export target vocabulary: %w", err)
	}
	files = append(files, srcPath, tgtPath)
	if tokenizer != nil {
		more, err := tokenizer(l, Base(out))
		files = append(files, more...)
		if err != nil {
			return files, fmt.Errorf("export tokenizer: %w", err)
		}
	}
	return files, nil
}

// writeVocab writes v one token a line in id order, readable by all.
func writeVocab(path string, v *data.Vocab) error {
	return os.WriteFile(path, []byte(strings.Join(v.Tokens(), "\n")+"\n"), 0o644)
}

// metadata is the "__metadata__" of an export of l.
func metadata(l *train.Loaded) (map[string]string, error) {
	model, err := json.Marshal(NewModelMeta(l.Model.Cfg))
	if err != nil {
		return nil, err
	}
	cfg, err := l.Config.Marshal()
	if err != nil {
		return nil, err
	}
	return map[string]string{MetaFormat: "pt", MetaModel: string(model), MetaConfig: string(cfg)}, nil
}
