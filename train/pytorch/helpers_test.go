package pytorch

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/seq2seq/transformer/data"
	"github.com/seq2seq/transformer/graph"
	"github.com/seq2seq/transformer/train"
)

// microConfig is configs/micro.yaml with the given key: value overrides.
func microConfig(t testing.TB, overrides ...string) *train.Config {
	t.Helper()
	cfg, err := train.LoadConfig(filepath.Join("..", "..", "configs", "micro.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range overrides {
		if err := cfg.Override(o); err != nil {
			t.Fatal(err)
		}
	}
	return cfg
}

// synthVocab is the specials followed by n-4 tokens prefix4, prefix5, ...
func synthVocab(t testing.TB, prefix string, n int) *data.Vocab {
	t.Helper()
	toks := []string{data.Pad, data.Unk, data.BOS, data.EOS}
	for i := len(toks); i < n; i++ {
		toks = append(toks, fmt.Sprintf("%s%d", prefix, i))
	}
	v, err := data.NewVocabFromTokens(toks)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// fixedModel builds cfg's model for vocabularies of srcN and tgtN tokens
// from seed, then adds N(0, 0.1²) noise to every parameter so that biases
// and layer norms are not their 0 and 1 initial values.
func fixedModel(t testing.TB, cfg *train.Config, srcN, tgtN int, seed uint64) *train.Loaded {
	t.Helper()
	src, tgt := synthVocab(t, "s", srcN), synthVocab(t, "t", tgtN)
	rng := graph.NewRNG(seed)
	m, ps, err := train.BuildModel(cfg.ModelConfig(src.Size(), tgt.Size()), rng)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps.List() {
		v := p.Value.Float32s()
		for i := range v {
			v[i] += float32(0.1 * rng.Normal())
		}
	}
	return &train.Loaded{Config: cfg, Model: m, Params: ps, Src: src, Tgt: tgt}
}
