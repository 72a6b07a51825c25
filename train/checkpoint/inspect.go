package checkpoint

import (
	"fmt"
	"math"
	"strconv"

	"gopkg.in/yaml.v3"
)

// Info summarises a checkpoint; it encodes to JSON as is.
type Info struct {
	Path          string `json:"path"`           // the step directory
	Name          string `json:"name"`           // the run name in config.yaml
	Step          int    `json:"step"`           // optimizer steps taken
	Params        int    `json:"params"`         // number of scalar parameters
	Tensors       int    `json:"tensors"`        // number of parameter tensors
	WeightsSHA256 string `json:"weights_sha256"` // WeightsSHA256 of the parameters
	BestScore     Score  `json:"best_score"`
	BestStep      int    `json:"best_step"`
	AdamStep      int    `json:"adam_step"`
	SrcVocab      int    `json:"src_vocab"` // source vocabulary size
	TgtVocab      int    `json:"tgt_vocab"` // target vocabulary size
	// Tokenizer is the kind of the checkpoint's tokenizers (see
	// TokenizerKind): words, chars, bpe or sentencepiece.
	Tokenizer string `json:"tokenizer"`
	// SrcTokenizerSHA256 and TgtTokenizerSHA256 are the hex sha256 of the
	// tokenizer files, absent for words.
	SrcTokenizerSHA256 string `json:"src_tokenizer_sha256,omitempty"`
	TgtTokenizerSHA256 string `json:"tgt_tokenizer_sha256,omitempty"`
}

// Score is a float64 that encodes to JSON even when it is not finite
// (NaN, +Inf and -Inf become strings), as a best score that was never set
// may be.
type Score float64

// MarshalJSON writes a finite score as a number and others as a string.
func (s Score) MarshalJSON() ([]byte, error) {
	f := float64(s)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return []byte(strconv.Quote(strconv.FormatFloat(f, 'g', -1, 64))), nil
	}
	return strconv.AppendFloat(nil, f, 'g', -1, 64), nil
}

// Inspect loads and verifies the checkpoint at path (as Load does) and
// summarises it.
func Inspect(path string) (*Info, error) {
	dir, err := resolve(path)
	if err != nil {
		return nil, fmt.Errorf("inspect checkpoint: %w", err)
	}
	st, err := Load(dir)
	if err != nil {
		return nil, fmt.Errorf("inspect: %w", err)
	}
	var cfg struct {
		Name string `yaml:"name"`
	}
	if err := yaml.Unmarshal(st.Config, &cfg); err != nil {
		return nil, fmt.Errorf("inspect checkpoint %s: %s: %w", dir, configFile, err)
	}
	info := &Info{
		Path: dir, Name: cfg.Name, Step: st.Step, Tensors: len(st.Params),
		WeightsSHA256: WeightsSHA256(st.Params), BestScore: Score(st.BestScore),
		BestStep: st.BestStep, AdamStep: st.AdamStep,
		SrcVocab: len(st.SrcVocab), TgtVocab: len(st.TgtVocab),
		Tokenizer:          TokenizerKind(st.SrcTokenizer),
		SrcTokenizerSHA256: sha256Hex(st.SrcTokenizer),
		TgtTokenizerSHA256: sha256Hex(st.TgtTokenizer),
	}
	for _, t := range st.Params {
		info.Params += len(t.Data)
	}
	return info, nil
}
