package layers

import (
	"fmt"

	G "gorgonia.org/gorgonia"

	"github.com/seq2seq/transformer/graph"
)

// EncoderLayer is a pre-norm Transformer encoder layer:
//
//	x = x + dropout(self_attn(norm1(x)))
//	x = x + dropout(ff(norm2(x)))
//
// Pre-norm (as in fairseq's normalize_before, JoeyNMT's default and most
// recent models) keeps an identity path from output to input, so gradients
// reach the embeddings undiminished and a small model trains stably without
// a carefully tuned warm-up; the price is one final LayerNorm after the stack.
// Parameters: <name>.self_attn.*, <name>.norm1.*, <name>.ff.*, <name>.norm2.*.
type EncoderLayer struct {
	SelfAttn     *MultiHeadAttention
	Norm1, Norm2 *LayerNorm
	FF           *FeedForward
	Dropout      float64
}

// NewEncoderLayer registers an encoder layer.
func NewEncoderLayer(ps *graph.Params, name string, cfg Config, rng *graph.RNG) (*EncoderLayer, error) {
	l := &EncoderLayer{Dropout: cfg.Dropout}
	var err error
	if l.SelfAttn, err = NewMultiHeadAttention(ps, name+".self_attn", cfg.DModel, cfg.Heads, rng); err != nil {
		return nil, err
	}
	if l.Norm1, err = NewLayerNorm(ps, name+".norm1", cfg.DModel, rng); err != nil {
		return nil, err
	}
	if l.FF, err = NewFeedForward(ps, name+".ff", cfg.DModel, cfg.DFF, cfg.Dropout, rng); err != nil {
		return nil, err
	}
	if l.Norm2, err = NewLayerNorm(ps, name+".norm2", cfg.DModel, rng); err != nil {
		return nil, err
	}
	return l, nil
}

// Forward maps x (B*S, D) to (B*S, D); srcMask is the (B, 1, S) key padding mask.
func (l *EncoderLayer) Forward(b *graph.Builder, x, srcMask *G.Node, batch, length int) *G.Node {
	h := l.Norm1.Forward(b, x)
	x = b.AddDropout(x, l.SelfAttn.Forward(b, h, h, srcMask, batch, length, length), l.Dropout)
	h = l.Norm2.Forward(b, x)
	return b.AddDropout(x, l.FF.Forward(b, h), l.Dropout)
}

func layerName(stack string, i int) string { return fmt.Sprintf("%s.%d", stack, i) }
