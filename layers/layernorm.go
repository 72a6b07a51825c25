package layers

import (
	G "gorgonia.org/gorgonia"

	"github.com/seq2seq/transformer/graph"
)

// LayerNormEps is the variance epsilon of every LayerNorm, as in PyTorch.
const LayerNormEps = 1e-5

// LayerNorm normalises each row over the model dimension, then scales and
// shifts it: y = (x - mean)/sqrt(var + eps) ⊙ γ + β. Parameters:
// <name>.weight γ (D), initialised to 1, and <name>.bias β (D), to 0.
type LayerNorm struct {
	Weight, Bias string
	Dim          int
}

// NewLayerNorm registers a LayerNorm over dim features.
func NewLayerNorm(ps *graph.Params, name string, dim int, rng *graph.RNG) (*LayerNorm, error) {
	l := &LayerNorm{Weight: name + ".weight", Bias: name + ".bias", Dim: dim}
	if _, err := ps.Add(l.Weight, []int{dim}, graph.Constant(1), rng); err != nil {
		return nil, err
	}
	if _, err := ps.Add(l.Bias, []int{dim}, graph.Constant(0), rng); err != nil {
		return nil, err
	}
	return l, nil
}

// Forward normalises x (N, D).
func (l *LayerNorm) Forward(b *graph.Builder, x *G.Node) *G.Node {
	return b.LayerNorm(x, b.Param(l.Weight), b.Param(l.Bias), LayerNormEps)
}
