package layers

import (
	G "gorgonia.org/gorgonia"

	"github.com/seq2seq/transformer/graph"
)

// DecoderLayer is a pre-norm Transformer decoder layer (see EncoderLayer for
// why pre-norm):
//
//	y = y + dropout(self_attn(norm1(y)))          causal
//	y = y + dropout(cross_attn(norm2(y), memory)) source padding mask
//	y = y + dropout(ff(norm3(y)))
//
// Parameters: <name>.self_attn.*, <name>.norm1.*, <name>.cross_attn.*,
// <name>.norm2.*, <name>.ff.*, <name>.norm3.*.
type DecoderLayer struct {
	SelfAttn, CrossAttn *MultiHeadAttention
	Norm1, Norm2, Norm3 *LayerNorm
	FF                  *FeedForward
	Dropout             float64
}

// NewDecoderLayer registers a decoder layer.
func NewDecoderLayer(ps *graph.Params, name string, cfg Config, rng *graph.RNG) (*DecoderLayer, error) {
	l := &DecoderLayer{Dropout: cfg.Dropout}
	var err error
	if l.SelfAttn, err = NewMultiHeadAttention(ps, name+".self_attn", cfg.DModel, cfg.Heads, rng); err != nil {
		return nil, err
	}
	if l.Norm1, err = NewLayerNorm(ps, name+".norm1", cfg.DModel, rng); err != nil {
		return nil, err
	}
	if l.CrossAttn, err = NewMultiHeadAttention(ps, name+".cross_attn", cfg.DModel, cfg.Heads, rng); err != nil {
		return nil, err
	}
	if l.Norm2, err = NewLayerNorm(ps, name+".norm2", cfg.DModel, rng); err != nil {
		return nil, err
	}
	if l.FF, err = NewFeedForward(ps, name+".ff", cfg.DModel, cfg.DFF, cfg.Dropout, rng); err != nil {
		return nil, err
	}
	if l.Norm3, err = NewLayerNorm(ps, name+".norm3", cfg.DModel, rng); err != nil {
		return nil, err
	}
	return l, nil
}

// Forward maps y (B*T, D) to (B*T, D) attending to memory (B*S, D);
// tgtMask is the causal (1 or B, T, T) mask and srcMask the (B, 1, S) source
// padding mask.
func (l *DecoderLayer) Forward(b *graph.Builder, y, memory, tgtMask, srcMask *G.Node, batch, tgtLen, srcLen int) *G.Node {
	h := l.Norm1.Forward(b, y)
	y = b.AddDropout(y, l.SelfAttn.Forward(b, h, h, tgtMask, batch, tgtLen, tgtLen), l.Dropout)
	h = l.Norm2.Forward(b, y)
	y = b.AddDropout(y, l.CrossAttn.Forward(b, h, memory, srcMask, batch, tgtLen, srcLen), l.Dropout)
	h = l.Norm3.Forward(b, y)
	return b.AddDropout(y, l.FF.Forward(b, h), l.Dropout)
}
