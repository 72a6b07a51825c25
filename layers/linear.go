package layers

import (
	G "gorgonia.org/gorgonia"

	"github.com/seq2seq/transformer/graph"
)

// Linear is an affine map y = x·W + b. Parameters: <name>.weight (in, out),
// stored input-major so the forward is one matrix product without a
// transpose (PyTorch stores the transpose), and <name>.bias (out).
type Linear struct {
	Weight, Bias string
	In, Out      int
}

// NewLinear registers a Linear layer with Xavier-uniform weights and zero bias.
func NewLinear(ps *graph.Params, name string, in, out int, rng *graph.RNG) (*Linear, error) {
	l := &Linear{Weight: name + ".weight", Bias: name + ".bias", In: in, Out: out}
	if _, err := ps.Add(l.Weight, []int{in, out}, graph.XavierUniform, rng); err != nil {
		return nil, err
	}
	if _, err := ps.Add(l.Bias, []int{out}, graph.Constant(0), rng); err != nil {
		return nil, err
	}
	return l, nil
}

// Forward maps x (N, in) to (N, out).
func (l *Linear) Forward(b *graph.Builder, x *G.Node) *G.Node {
	return b.Affine(x, b.Param(l.Weight), b.Param(l.Bias))
}
