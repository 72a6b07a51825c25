package layers

import (
	"fmt"

	G "gorgonia.org/gorgonia"

	"github.com/seq2seq/transformer/data"
	"github.com/seq2seq/transformer/graph"
)

// Transformer is the encoder-decoder sequence-to-sequence model. Parameter
// layout, in registry order:
//
//	src_embed.weight                 (Vs, D)
//	tgt_embed.weight                 (Vt, D)
//	encoder.<i>.{self_attn,norm1,ff,norm2}.*   see EncoderLayer
//	encoder.norm.{weight,bias}       (D)
//	decoder.<i>.{self_attn,norm1,cross_attn,norm2,ff,norm3}.*   see DecoderLayer
//	decoder.norm.{weight,bias}       (D)
//	generator.weight                 (D, Vt), only without tied embeddings
//
// With tied embeddings the logits are y·tgt_embedᵀ.
type Transformer struct {
	Cfg                      Config
	SrcEmbed, TgtEmbed       *Embedding
	Encoder                  []*EncoderLayer
	Decoder                  []*DecoderLayer
	EncoderNorm, DecoderNorm *LayerNorm
	Generator                string // "" when tied
}

// New validates cfg and registers a Transformer's parameters in ps,
// initialised from rng in registry order.
func New(cfg Config, ps *graph.Params, rng *graph.RNG) (*Transformer, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	m := &Transformer{Cfg: cfg}
	var err error
	if m.SrcEmbed, err = NewEmbedding(ps, "src_embed", cfg.SrcVocab, cfg.DModel, cfg.MaxPositions, rng); err != nil {
		return nil, err
	}
	if m.TgtEmbed, err = NewEmbedding(ps, "tgt_embed", cfg.TgtVocab, cfg.DModel, cfg.MaxPositions, rng); err != nil {
		return nil, err
	}
	for i := 0; i < cfg.EncoderLayers; i++ {
		l, err := NewEncoderLayer(ps, layerName("encoder", i), cfg, rng)
		if err != nil {
			return nil, err
		}
		m.Encoder = append(m.Encoder, l)
	}
	if m.EncoderNorm, err = NewLayerNorm(ps, "encoder.norm", cfg.DModel, rng); err != nil {
		return nil, err
	}
	for i := 0; i < cfg.DecoderLayers; i++ {
		l, err := NewDecoderLayer(ps, layerName("decoder", i), cfg, rng)
		if err != nil {
			return nil, err
		}
		m.Decoder = append(m.Decoder, l)
	}
	if m.DecoderNorm, err = NewLayerNorm(ps, "decoder.norm", cfg.DModel, rng); err != nil {
		return nil, err
	}
	if !cfg.TieEmbeddings {
		m.Generator = "generator.weight"
		if _, err := ps.Add(m.Generator, []int{cfg.DModel, cfg.TgtVocab}, graph.XavierUniform, rng); err != nil {
			return nil, err
		}
	}
	return m, nil
}

func (m *Transformer) checkLength(what string, n int) error {
	if n > m.Cfg.MaxPositions {
		return fmt.Errorf("%s length %d exceeds model.max_positions %d", what, n, m.Cfg.MaxPositions)
	}
	return nil
}

// Encode returns the encoder output (B*S, D) for in's source.
func (m *Transformer) Encode(b *graph.Builder, in *Inputs) *G.Node {
	if err := m.checkLength("source", in.S); err != nil {
		b.Fail("encode", err)
	}
	x := b.Dropout(m.SrcEmbed.Forward(b, in.Src, in.B, in.S), m.Cfg.Dropout) // (B*S, D)
	for _, l := range m.Encoder {
		x = l.Forward(b, x, in.SrcMask, in.B, in.S)
	}
	return m.EncoderNorm.Forward(b, x)
}

// Decode returns the decoder output (B*T, D) for in's target inputs
// attending to memory (B*S, D).
func (m *Transformer) Decode(b *graph.Builder, in *Inputs, memory *G.Node) *G.Node {
	if err := m.checkLength("target", in.T); err != nil {
		b.Fail("decode", err)
	}
	y := b.Dropout(m.TgtEmbed.Forward(b, in.TgtIn, in.B, in.T), m.Cfg.Dropout) // (B*T, D)
	for _, l := range m.Decoder {
		y = l.Forward(b, y, memory, in.TgtMask, in.SrcMask, in.B, in.T, in.S)
	}
	return m.DecoderNorm.Forward(b, y)
}

// Logits projects decoder output y (B*T, D) onto the target vocabulary,
// giving (B*T, Vt).
func (m *Transformer) Logits(b *graph.Builder, y *G.Node) *G.Node {
	if m.Generator != "" {
		return b.MatMul(y, b.Param(m.Generator))
	}
	return b.MatMulT(y, b.Param(m.TgtEmbed.Weight), false, true) // (B*T, D)·(Vt, D)ᵀ
}

// Forward returns the logits (B*T, Vt) of teacher-forced decoding.
func (m *Transformer) Forward(b *graph.Builder, in *Inputs) *G.Node {
	return m.Logits(b, m.Decode(b, in, m.Encode(b, in)))
}

// Loss returns the label-smoothed cross-entropy of the teacher-forced
// logits against in.TgtOut, averaged over non-pad target tokens.
func (m *Transformer) Loss(b *graph.Builder, in *Inputs, smoothing float64) *G.Node {
	if in.TgtOut == nil {
		in.TgtOut = b.Input("tgt_out", b.Dtype(), in.B*in.T)
	}
	return b.CrossEntropy(m.Forward(b, in), in.TgtOut, smoothing, data.PadID)
}
