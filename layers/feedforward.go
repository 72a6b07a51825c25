package layers

import (
	G "gorgonia.org/gorgonia"

	"github.com/seq2seq/transformer/graph"
)

// FeedForward is the position-wise network fc2(dropout(relu(fc1(x)))).
// Parameters: <name>.fc1.{weight,bias} (D, F), (F) and
// <name>.fc2.{weight,bias} (F, D), (D).
type FeedForward struct {
	FC1, FC2 *Linear
	Dropout  float64
}

// NewFeedForward registers a FeedForward of model width d and inner width f.
func NewFeedForward(ps *graph.Params, name string, d, f int, dropout float64, rng *graph.RNG) (*FeedForward, error) {
	fc1, err := NewLinear(ps, name+".fc1", d, f, rng)
	if err != nil {
		return nil, err
	}
	fc2, err := NewLinear(ps, name+".fc2", f, d, rng)
	if err != nil {
		return nil, err
	}
	return &FeedForward{FC1: fc1, FC2: fc2, Dropout: dropout}, nil
}

// Forward maps x (N, D) to (N, D).
func (f *FeedForward) Forward(b *graph.Builder, x *G.Node) *G.Node {
	h := b.ReLUDropout(f.FC1.Forward(b, x), f.Dropout) // (N, F)
	return f.FC2.Forward(b, h)
}
