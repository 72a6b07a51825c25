package train

import (
	"fmt"

	"gorgonia.org/tensor"

	"github.com/seq2seq/transformer/graph"
	"github.com/seq2seq/transformer/layers"
)

// ModelConfig returns the layers.Config the run's model section describes
// for the given vocabulary sizes.
func (c *Config) ModelConfig(srcVocab, tgtVocab int) layers.Config {
	m := c.Model
	return layers.Config{
		SrcVocab: srcVocab, TgtVocab: tgtVocab,
		DModel: m.DModel, Heads: m.Heads, EncoderLayers: m.EncoderLayers, DecoderLayers: m.DecoderLayers,
		DFF: m.DFF, Dropout: m.Dropout, TieEmbeddings: m.TieEmbeddings, MaxPositions: m.MaxPositions,
	}
}

// BuildModel registers a float32 Transformer initialised from rng: the one
// place the model is built.
func BuildModel(cfg layers.Config, rng *graph.RNG) (*layers.Transformer, *graph.Params, error) {
	ps := graph.NewParams(tensor.Float32)
	m, err := layers.New(cfg, ps, rng)
	if err != nil {
		return nil, nil, fmt.Errorf("build model: %w", err)
	}
	return m, ps, nil
}
