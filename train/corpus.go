package train

import (
	"fmt"
	"io"
	"strings"

	"github.com/seq2seq/transformer/data"
)

// Corpus is a run's data: the vocabularies and the encoded splits, with the
// raw reference text of valid and test for BLEU.
type Corpus struct {
	Src, Tgt            *data.Vocab
	Train, Valid, Test  []data.Encoded
	ValidRefs, TestRefs []string // target sentences, tokens joined by spaces
	ValidSrc, TestSrc   [][]int  // unfiltered source ids for decoding
	Digest              string   // SHA-256 of the six data files (see dataDigest)
	Tok                 Tokenizers
}

// EnsureData generates the toy corpus when the config asks for it and the
// files are absent, then checks that the six files exist.
func EnsureData(cfg *Config, log io.Writer) error {
	d := cfg.Data
	if d.Toy {
		toy := data.DefaultToyConfig()
		toy.Seed = cfg.Seed
		toy.Train, toy.Valid, toy.Test = d.ToyTrain, d.ToyValid, d.ToyTest
		made, err := ensureToyCorpus(d, toy)
		if err != nil {
			return fmt.Errorf("generate toy corpus in %s: %w", d.Dir, err)
		}
		if made {
			fmt.Fprintf(log, "generated toy corpus in %s (%d/%d/%d pairs)\n", d.Dir, d.ToyTrain, d.ToyValid, d.ToyTest)
		} else {
			warnToyChanged(log, d.Dir, toy)
		}
	}
	return cfg.ValidateFiles()
}

// warnToyChanged warns when the toy corpus in dir was generated with other
// settings than toy (the config's seed and data.toy_*), naming the keys:
// an existing corpus is never regenerated.
func warnToyChanged(log io.Writer, dir string, toy data.ToyConfig) {
	old, found, err := data.ReadToyRecord(dir)
	if err != nil {
		fmt.Fprintf(log, "warning: %v\n", err)
		return
	}
	if !found || old == toy {
		return
	}
	var keys []string
	for _, k := range []struct {
		key      string
		old, cur any
	}{
		{"seed", old.Seed, toy.Seed}, {"data.toy_train", old.Train, toy.Train},
		{"data.toy_valid", old.Valid, toy.Valid}, {"data.toy_test", old.Test, toy.Test},
		{"toy sentence lengths", fmt.Sprint(old.MinLen, "-", old.MaxLen), fmt.Sprint(toy.MinLen, "-", toy.MaxLen)},
	} {
		if k.old != k.cur {
			keys = append(keys, fmt.Sprintf("%s %v -> %v", k.key, k.old, k.cur))
		}
	}
	fmt.Fprintf(log, "warning: the toy corpus in %s was generated with other settings (%s) and is used as it is; delete its files to regenerate it\n",
		dir, strings.Join(keys, ", "))
}

// LoadCorpusWith reads the three splits, cut into tokens by toks (once,
// before batching; see readSplit), builds the vocabularies from training
// data unless given (a resumed run brings its own), encodes everything and
// drops training and validation pairs over data.max_len, saying how many.
func LoadCorpusWith(cfg *Config, toks Tokenizers, src, tgt *data.Vocab, log io.Writer) (*Corpus, error) {
	d := cfg.Data
	splits := map[string][]data.Pair{}
	raw := map[string][]string{}
	for _, split := range []string{"train", "valid", "test"} {
		pairs, refs, err := readSplit(d, split, toks, log)
		if err != nil {
			return nil, err
		}
		splits[split], raw[split] = pairs, refs
	}
	if src == nil || tgt == nil {
		src, tgt = buildVocabs(splits["train"], d)
		if err := extendVocabs(&src, &tgt, toks); err != nil {
			return nil, err
		}
	}
	if err := checkMemory(cfg, src.Size(), tgt.Size()); err != nil {
		return nil, err
	}
	c := &Corpus{Src: src, Tgt: tgt, Tok: toks}
	var paths []string
	for _, split := range []string{"train", "valid", "test"} {
		paths = append(paths, d.Path(split, d.Src), d.Path(split, d.Tgt))
	}
	digest, err := dataDigest(paths)
	if err != nil {
		return nil, err
	}
	c.Digest = digest
	encode := func(ps []data.Pair) []data.Encoded {
		out := make([]data.Encoded, len(ps))
		for i, p := range ps {
			out[i] = data.Encoded{Src: src.Encode(p.Src), Tgt: tgt.Encode(p.Tgt)}
		}
		return out
	}
	var dropped int
	train := encode(splits["train"])
	if err := attachLinks(cfg, toks, splits["train"], train); err != nil {
		return nil, err
	}
	c.Train, dropped = data.FilterLength(train, d.MaxLen)
	fmt.Fprintf(log, "train: %d pairs, %d dropped as longer than data.max_len %d\n", len(c.Train), dropped, d.MaxLen)
	if len(c.Train) == 0 {
		return nil, fmt.Errorf("all %d pairs of %s are longer than data.max_len %d", len(splits["train"]), d.Path("train", d.Src), d.MaxLen)
	}
	c.Valid, dropped = data.FilterLength(encode(splits["valid"]), d.MaxLen)
	if len(c.Valid) == 0 {
		return nil, fmt.Errorf("all %d pairs of %s are longer than data.max_len %d", len(splits["valid"]), d.Path("valid", d.Src), d.MaxLen)
	}
	if dropped > 0 {
		fmt.Fprintf(log, "valid: %d pairs dropped from the loss as longer than data.max_len %d\n", dropped, d.MaxLen)
	}
	c.ValidRefs, c.ValidSrc = refsAndSources(splits["valid"], src)
	c.TestRefs, c.TestSrc = refsAndSources(splits["test"], src)
	if !toks.Words() { // score detokenized output against the raw text
		c.ValidRefs, c.TestRefs = raw["valid"], raw["test"]
	}
	c.Test = encode(splits["test"])
	fmt.Fprintf(log, "vocabulary: %d source, %d target types\n", src.Size(), tgt.Size())
	return c, nil
}

// buildVocabs builds the vocabularies from the training pairs that pass
// the data.max_len filter, so that a pair the filter drops (one huge line)
// adds no types, parameters or memory.
func buildVocabs(pairs []data.Pair, d DataConfig) (src, tgt *data.Vocab) {
	var ss, ts [][]string
	for _, p := range pairs {
		if len(p.Src) <= d.MaxLen && len(p.Tgt) <= d.MaxLen { // as data.FilterLength
			ss, ts = append(ss, p.Src), append(ts, p.Tgt)
		}
	}
	return data.BuildVocab(ss, d.MinFreq, d.MaxVocab), data.BuildVocab(ts, d.MinFreq, d.MaxVocab)
}

func refsAndSources(ps []data.Pair, src *data.Vocab) ([]string, [][]int) {
	refs := make([]string, len(ps))
	ids := make([][]int, len(ps))
	for i, p := range ps {
		refs[i] = strings.Join(p.Tgt, " ")
		ids[i] = src.Encode(p.Src)
	}
	return refs, ids
}
