package train

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/seq2seq/transformer/data"
	"github.com/seq2seq/transformer/data/tokenize"
	"github.com/seq2seq/transformer/train/checkpoint"
)

// Tokenizers are a run's source and target tokenizers (one and the same
// for a joint bpe).
type Tokenizers struct {
	Src, Tgt tokenize.Tokenizer
}

// WordTokenizers are the tokenizers of whitespace-tokenized text, the
// default, and of checkpoints written before tokenizers existed.
func WordTokenizers() Tokenizers { return Tokenizers{Src: tokenize.Words{}, Tgt: tokenize.Words{}} }

// Kind is the tokenizers' kind (both sides have the same).
func (t Tokenizers) Kind() tokenize.Kind { return t.Src.Kind() }

// Words reports whether text is read as whitespace-separated tokens.
func (t Tokenizers) Words() bool { return t.Kind() == tokenize.KindWords }

// Detokenize joins target tokens into text: the target tokenizer's Decode
// (words joins with single spaces, as before tokenizers existed).
func (t Tokenizers) Detokenize(toks []string) string { return t.Tgt.Decode(toks) }

// EncodeSource cuts a raw source line into tokens.
func (t Tokenizers) EncodeSource(line string) []string { return t.Src.Encode(line) }

// NewTokenizers makes the tokenizers cfg's data section names: words and
// chars need nothing, sentencepiece loads data.spm_model (and
// data.spm_tgt_model), and bpe is learned here, once per run, from the
// training split (both sides when data.joint_vocab, else each side on its
// own) with data.vocab_size pieces. The corpus files must exist
// (EnsureData).
func NewTokenizers(cfg *Config, log io.Writer) (Tokenizers, error) {
	d := cfg.Data
	kind, err := tokenize.ParseKind(d.Tokenizer)
	if err != nil {
		return Tokenizers{}, &ConfigError{Key: "data.tokenizer", Msg: err.Error()}
	}
	switch kind {
	case tokenize.KindWords, tokenize.KindChars:
		t, err := tokenize.New(kind)
		return Tokenizers{Src: t, Tgt: t}, err
	case tokenize.KindSentencePiece:
		return loadSentencePieces(d)
	}
	return learnBPE(d, log)
}

// loadSentencePieces loads the sentencepiece models of both sides.
func loadSentencePieces(d DataConfig) (Tokenizers, error) {
	src, err := tokenize.LoadSentencePiece(d.SPMModel)
	if err != nil {
		return Tokenizers{}, &ConfigError{Key: "data.spm_model", Msg: err.Error()}
	}
	if d.SPMTgtModel == "" {
		return Tokenizers{Src: src, Tgt: src}, nil
	}
	tgt, err := tokenize.LoadSentencePiece(d.SPMTgtModel)
	if err != nil {
		return Tokenizers{}, &ConfigError{Key: "data.spm_tgt_model", Msg: err.Error()}
	}
	return Tokenizers{Src: src, Tgt: tgt}, nil
}

// learnBPE learns the bpe tokenizers from the training split.
func learnBPE(d DataConfig, log io.Writer) (Tokenizers, error) {
	srcPath, tgtPath := d.Path("train", d.Src), d.Path("train", d.Tgt)
	start := time.Now()
	if d.JointVocab {
		t, err := tokenize.LearnBPEFiles([]string{srcPath, tgtPath}, d.VocabSize)
		if err != nil {
			return Tokenizers{}, fmt.Errorf("data.tokenizer bpe: %w", err)
		}
		fmt.Fprintf(log, "bpe: learned %d merges from %s and %s in %.1fs\n", t.NumMerges(), srcPath, tgtPath, time.Since(start).Seconds())
		return Tokenizers{Src: t, Tgt: t}, nil
	}
	src, err := tokenize.LearnBPEFiles([]string{srcPath}, d.VocabSize)
	if err != nil {
		return Tokenizers{}, fmt.Errorf("data.tokenizer bpe: %w", err)
	}
	tgt, err := tokenize.LearnBPEFiles([]string{tgtPath}, d.VocabSize)
	if err != nil {
		return Tokenizers{}, fmt.Errorf("data.tokenizer bpe: %w", err)
	}
	fmt.Fprintf(log, "bpe: learned %d and %d merges in %.1fs\n", src.NumMerges(), tgt.NumMerges(), time.Since(start).Seconds())
	return Tokenizers{Src: src, Tgt: tgt}, nil
}

// files returns the tokenizer files a checkpoint stores, none for words.
func (t Tokenizers) files() (src, tgt []byte, err error) {
	if t.Words() {
		return nil, nil, nil
	}
	if src, err = tokenize.Marshal(t.Src); err != nil {
		return nil, nil, err
	}
	if tgt, err = tokenize.Marshal(t.Tgt); err != nil {
		return nil, nil, err
	}
	return src, tgt, nil
}

// tokenizersOf reads a checkpoint's tokenizer files; a checkpoint without
// them (words, or written before tokenizers existed) gives words.
func tokenizersOf(st *checkpoint.State, path string) (Tokenizers, error) {
	if len(st.SrcTokenizer) == 0 {
		return WordTokenizers(), nil
	}
	src, err := tokenize.Parse(path+"/src.tokenizer", st.SrcTokenizer)
	if err != nil {
		return Tokenizers{}, err
	}
	tgt, err := tokenize.Parse(path+"/tgt.tokenizer", st.TgtTokenizer)
	if err != nil {
		return Tokenizers{}, err
	}
	if src.Kind() != tgt.Kind() {
		return Tokenizers{}, fmt.Errorf("%s: source tokenizer is %s, target tokenizer %s", path, src.Kind(), tgt.Kind())
	}
	return Tokenizers{Src: src, Tgt: tgt}, nil
}

// sameTokenizers rejects resuming a checkpoint whose tokenizers differ from
// the ones the config gives (kind, or any byte of the tokenizer files).
func sameTokenizers(t Tokenizers, st *checkpoint.State, path string) error {
	old := checkpoint.TokenizerKind(st.SrcTokenizer)
	if old != string(t.Kind()) {
		return &ConfigError{Key: "data.tokenizer", Msg: fmt.Sprintf("%s, but checkpoint %s was trained with tokenizer %s; resume with data.tokenizer %s or start a run under another name", t.Kind(), path, old, old)}
	}
	src, tgt, err := t.files()
	if err != nil {
		return err
	}
	if !bytes.Equal(src, st.SrcTokenizer) || !bytes.Equal(tgt, st.TgtTokenizer) {
		return &ConfigError{Key: "data.tokenizer", Msg: fmt.Sprintf("%s: the tokenizer the data section now gives differs from the one of checkpoint %s (changed training data, data.vocab_size, data.joint_vocab or model file); resume with the original settings or start a run under another name", t.Kind(), path)}
	}
	return nil
}

// readSplit reads one split of the corpus. words reads whitespace-tokenized
// lines as ever (refs is nil: the references are the tokens joined by
// spaces); the other kinds read raw lines, encode each once with toks and
// return the raw target lines as references.
func readSplit(d DataConfig, split string, toks Tokenizers, log io.Writer) (pairs []data.Pair, refs []string, err error) {
	if toks.Words() {
		pairs, err = data.ReadParallelReport(d.Path(split, d.Src), d.Path(split, d.Tgt), log)
		return pairs, nil, err
	}
	srcPath, tgtPath := d.Path(split, d.Src), d.Path(split, d.Tgt)
	src, err := readRawSide(srcPath, toks.Src)
	if err != nil {
		return nil, nil, err
	}
	refs, err = tokenize.ReadLines(tgtPath)
	if err != nil {
		return nil, nil, err
	}
	if len(src) != len(refs) {
		return nil, nil, fmt.Errorf("read %s and %s: %d lines and %d lines, want equal counts", srcPath, tgtPath, len(src), len(refs))
	}
	pairs = make([]data.Pair, len(src))
	for i, line := range refs {
		tgt := toks.Tgt.Encode(line)
		if len(tgt) == 0 {
			return nil, nil, fmt.Errorf("read %s line %d: empty line", tgtPath, i+1)
		}
		pairs[i] = data.Pair{Src: src[i], Tgt: tgt}
	}
	return pairs, refs, nil
}

// readRawSide reads and encodes the raw lines of one corpus file.
func readRawSide(path string, t tokenize.Tokenizer) ([][]string, error) {
	lines, err := tokenize.ReadLines(path)
	if err != nil {
		return nil, err
	}
	if len(lines) == 0 {
		return nil, fmt.Errorf("read %s: empty file", path)
	}
	out := make([][]string, len(lines))
	for i, line := range lines {
		if out[i] = t.Encode(line); len(out[i]) == 0 {
			return nil, fmt.Errorf("read %s line %d: empty line", path, i+1)
		}
	}
	return out, nil
}

// withPieces returns v followed by every piece t can emit that v lacks, in
// t's order: a bpe or sentencepiece vocabulary built from the training
// pieces thus also holds the pieces training never produced, the 256 byte
// pieces included, so no input becomes <unk>. words and chars have no
// closed set of pieces and keep v.
func withPieces(v *data.Vocab, t tokenize.Tokenizer) (*data.Vocab, error) {
	pieces := t.Pieces()
	if pieces == nil {
		return v, nil
	}
	toks := v.Tokens()
	seen := map[string]bool{}
	for _, tok := range toks {
		seen[tok] = true
	}
	for _, p := range pieces {
		if !seen[p] && p != "" && !strings.ContainsAny(p, " \t\n\r") {
			seen[p] = true
			toks = append(toks, p)
		}
	}
	out, err := data.NewVocabFromTokens(toks)
	if err != nil {
		return nil, fmt.Errorf("vocabulary of the %s pieces: %w", t.Kind(), err)
	}
	return out, nil
}

// extendVocabs adds the tokenizers' other pieces to both vocabularies
// (withPieces).
func extendVocabs(src, tgt **data.Vocab, toks Tokenizers) error {
	var err error
	if *src, err = withPieces(*src, toks.Src); err != nil {
		return err
	}
	*tgt, err = withPieces(*tgt, toks.Tgt)
	return err
}

// ensureToyCorpus writes the toy corpus d asks for (raw or tokenized) when
// its files are absent.
func ensureToyCorpus(d DataConfig, toy data.ToyConfig) (bool, error) {
	if d.Raw {
		return data.EnsureToyRaw(d.Dir, d.Src, d.Tgt, toy)
	}
	return data.EnsureToy(d.Dir, d.Src, d.Tgt, toy)
}

// LoadCorpus is LoadCorpusWith the tokenizers cfg's data section gives
// (NewTokenizers; bpe is learned from the training split).
func LoadCorpus(cfg *Config, src, tgt *data.Vocab, log io.Writer) (*Corpus, error) {
	toks, err := NewTokenizers(cfg, log)
	if err != nil {
		return nil, err
	}
	return LoadCorpusWith(cfg, toks, src, tgt, log)
}
