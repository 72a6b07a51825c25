package graph

import (
	"fmt"
	"hash"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/seq2seq/transformer/graph/vec"
)

// layerNormOp is layer normalisation with its learned affine map in one
// op: y = (x - mean)/sqrt(var + eps) ⊙ γ + β over the last axis of a 2-D x,
// with the biased variance as in PyTorch's LayerNorm. Fusing the affine
// part saves Gorgonia's two broadcast ops and their backward sums per layer.
type layerNormOp struct {
	opBase
	eps float64
}

// LayerNorm returns x (N, D) normalised row by row, scaled by gamma (D) and
// shifted by beta (D).
func LayerNorm(x, gamma, beta *G.Node, eps float64) (*G.Node, error) {
	xs, gs, bs := x.Shape(), gamma.Shape(), beta.Shape()
	if xs.Dims() != 2 || gs.Dims() != 1 || bs.Dims() != 1 || gs[0] != xs[1] || bs[0] != xs[1] {
		return nil, fmt.Errorf("layer norm: want x (N, D), gamma (D), beta (D), got %v, %v, %v", xs, gs, bs)
	}
	return G.ApplyOp(&layerNormOp{eps: eps}, x, gamma, beta)
}

func (op *layerNormOp) Arity() int { return 3 }
func (op *layerNormOp) Type() hm.Type {
	a := hm.TypeVariable('a')
	m, v := G.TensorType{Dims: 2, Of: a}, G.TensorType{Dims: 1, Of: a}
	return hm.NewFnType(m, v, v, m)
}
func (op *layerNormOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	return in[0].(tensor.Shape).Clone(), nil
}
func (op *layerNormOp) String() string        { return fmt.Sprintf("LayerNorm{eps=%v}", op.eps) }
func (op *layerNormOp) WriteHash(h hash.Hash) { writeHash(h, op) }
func (op *layerNormOp) Hashcode() uint32      { return hashOf(op) }

func (op *layerNormOp) Do(vals ...G.Value) (G.Value, error) {
	d := lastDimOf(vals[0])
	return elementwiseLike(&op.opBase, "layer norm", vals,
		func(out []float32, in ...[]float32) { vec.LayerNorm(out, in[0], in[1], in[2], d, op.eps) },
		func(out []float64, in ...[]float64) { vec.LayerNorm(out, in[0], in[1], in[2], d, op.eps) })
}

func (op *layerNormOp) DiffWRT(int) []bool { return []bool{true, true, true} }

// SymDiff: with xhat the normalised x, dβ = Σrows dy, dγ = Σrows dy ⊙ xhat,
// and dx the normalisation's backward applied to dy ⊙ γ.
func (op *layerNormOp) SymDiff(inputs G.Nodes, _, grad *G.Node) (G.Nodes, error) {
	x, gamma := inputs[0], inputs[1]
	dx, err := G.ApplyOp(&layerNormGradOp{eps: op.eps}, x, gamma, grad)
	if err != nil {
		return nil, err
	}
	dgamma, err := G.ApplyOp(&layerNormGammaGradOp{eps: op.eps}, x, grad)
	if err != nil {
		return nil, err
	}
	dbeta, err := G.ApplyOp(&colSumOp{}, grad)
	if err != nil {
		return nil, err
	}
	return G.Nodes{dx, dgamma, dbeta}, nil
}

// layerNormGradOp maps (x, gamma, dy) to the gradient of layerNormOp with
// respect to x: with g = dy ⊙ gamma, dx = rstd * (g - mean(g) - xhat *
// mean(g ⊙ xhat)) row-wise. Gradient-only (no gradient of its own); the
// LayerNorm gradient check covers it.
type layerNormGradOp struct {
	opBase
	eps float64
}

func (op *layerNormGradOp) Arity() int { return 3 }
func (op *layerNormGradOp) Type() hm.Type {
	a := hm.TypeVariable('a')
	m := G.TensorType{Dims: 2, Of: a}
	return hm.NewFnType(m, G.TensorType{Dims: 1, Of: a}, m, m)
}
func (op *layerNormGradOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	return in[0].(tensor.Shape).Clone(), nil
}
func (op *layerNormGradOp) String() string        { return fmt.Sprintf("LayerNormGrad{eps=%v}", op.eps) }
func (op *layerNormGradOp) WriteHash(h hash.Hash) { writeHash(h, op) }
func (op *layerNormGradOp) Hashcode() uint32      { return hashOf(op) }

func (op *layerNormGradOp) Do(vals ...G.Value) (G.Value, error) {
	d := lastDimOf(vals[0])
	return elementwiseLike(&op.opBase, "layer norm grad", vals,
		func(out []float32, in ...[]float32) { vec.LayerNormGrad(out, in[0], in[1], in[2], d, op.eps) },
		func(out []float64, in ...[]float64) { vec.LayerNormGrad(out, in[0], in[1], in[2], d, op.eps) })
}

// layerNormGammaGradOp maps (x, dy) to Σrows dy ⊙ xhat (D), the gradient of
// layerNormOp with respect to gamma. Gradient-only, like layerNormGradOp.
type layerNormGammaGradOp struct {
	opBase
	eps float64
}

func (op *layerNormGammaGradOp) Arity() int { return 2 }
func (op *layerNormGammaGradOp) Type() hm.Type {
	a := hm.TypeVariable('a')
	m := G.TensorType{Dims: 2, Of: a}
	return hm.NewFnType(m, m, G.TensorType{Dims: 1, Of: a})
}
func (op *layerNormGammaGradOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	return tensor.Shape{in[0].(tensor.Shape)[1]}, nil
}
func (op *layerNormGammaGradOp) String() string {
	return fmt.Sprintf("LayerNormGammaGrad{eps=%v}", op.eps)
}
func (op *layerNormGammaGradOp) WriteHash(h hash.Hash) { writeHash(h, op) }
func (op *layerNormGammaGradOp) Hashcode() uint32      { return hashOf(op) }

func (op *layerNormGammaGradOp) Do(vals ...G.Value) (G.Value, error) {
	ts, err := tensorsOf("layer norm gamma grad", vals)
	if err != nil {
		return nil, err
	}
	d := lastDimOf(ts[0])
	out := op.newOut(ts[0].Dtype(), tensor.Shape{d}, false) // every element written
	switch out.Dtype() {
	case tensor.Float32:
		vec.LayerNormGammaGrad(out.Float32s(), ts[0].Float32s(), ts[1].Float32s(), d, op.eps)
	case tensor.Float64:
		vec.LayerNormGammaGrad(out.Float64s(), ts[0].Float64s(), ts[1].Float64s(), d, op.eps)
	default:
		return nil, fmt.Errorf("layer norm gamma grad: unsupported dtype %v", out.Dtype())
	}
	return out, nil
}
