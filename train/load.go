package train

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/seq2seq/transformer/data"
	"github.com/seq2seq/transformer/graph"
	"github.com/seq2seq/transformer/layers"
	"github.com/seq2seq/transformer/train/checkpoint"
)

// Loaded is a trained model restored from a checkpoint with everything
// needed to use it: its resolved config and its vocabularies.
type Loaded struct {
	Path     string
	Step     int
	Config   *Config
	Model    *layers.Transformer
	Params   *graph.Params
	Src, Tgt *data.Vocab
	// Tok are the checkpoint's tokenizers: raw text in (Tok.EncodeSource),
	// raw text out (Tok.Detokenize); words for a checkpoint without any.
	Tok Tokenizers
}

// LoadModel restores the model of a checkpoint: path is a step directory,
// or a run directory meaning its best checkpoint, else its latest.
func LoadModel(path string) (*Loaded, error) {
	cp := CheckpointPath(path)
	st, err := checkpoint.Load(cp)
	if err != nil {
		return nil, err
	}
	cfg, err := ParseConfig(st.Config, path+" config")
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", path, err)
	}
	src, tgt, err := checkpointVocabs(st)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", path, err)
	}
	if err := checkLoadable(cfg, st); err != nil { // before BuildModel allocates
		return nil, fmt.Errorf("load %s: %w", path, err)
	}
	toks, err := tokenizersOf(st, cp)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", path, err)
	}
	m, ps, err := BuildModel(cfg.ModelConfig(src.Size(), tgt.Size()), graph.NewRNG(0))
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", path, err)
	}
	if err := restoreParams(ps, st.Params); err != nil {
		return nil, fmt.Errorf("load %s: %w", path, err)
	}
	return &Loaded{Path: path, Step: st.Step, Config: cfg, Model: m, Params: ps, Src: src, Tgt: tgt, Tok: toks}, nil
}

// checkpointVocabs rebuilds the source and target vocabularies st was
// trained with.
func checkpointVocabs(st *checkpoint.State) (src, tgt *data.Vocab, err error) {
	if src, err = data.NewVocabFromTokens(st.SrcVocab); err != nil {
		return nil, nil, fmt.Errorf("source vocabulary: %w", err)
	}
	if tgt, err = data.NewVocabFromTokens(st.TgtVocab); err != nil {
		return nil, nil, fmt.Errorf("target vocabulary: %w", err)
	}
	return src, tgt, nil
}

// Translator returns a translator over the loaded model with the
// checkpoint's bucket and length limits.
func (l *Loaded) Translator() *Translator {
	return NewTranslator(l.Model, l.Params, l.Config.Data.Bucket, l.Config.Decode.MaxLenA, l.Config.Decode.MaxLenB)
}

// CheckpointPath resolves a run directory to its best checkpoint when it
// has one; anything else is returned unchanged for checkpoint.Load (which
// resolves a run directory to its latest). LoadModel reads this path.
func CheckpointPath(path string) string {
	b, err := os.ReadFile(filepath.Join(path, "best"))
	if err != nil {
		return path
	}
	name := strings.TrimSpace(string(b))
	if name == "" || strings.ContainsAny(name, "/\\") {
		return path
	}
	return filepath.Join(path, name)
}
