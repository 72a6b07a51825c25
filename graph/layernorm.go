package graph

import (
	"fmt"
	"hash"
	"math"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
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
		func(out []float32, in ...[]float32) { LayerNormRows(out, in[0], in[1], in[2], d, op.eps) },
		func(out []float64, in ...[]float64) { LayerNormRows(out, in[0], in[1], in[2], d, op.eps) })
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

// rowStats returns the mean and 1/sqrt(var+eps) of one row, in float64.
// Sums run over four interleaved partial sums (element k into sum k%4 for k
// below len&^3, the rest into the first), added pairwise at the end: four
// independent chains of adds instead of one, each in a fixed order.
func rowStats[T float](x []T, eps float64) (mean, rstd float64) {
	var s0, s1, s2, s3 float64
	k := 0
	for ; k+4 <= len(x); k += 4 {
		q := x[k : k+4 : k+4]
		s0 += float64(q[0])
		s1 += float64(q[1])
		s2 += float64(q[2])
		s3 += float64(q[3])
	}
	for ; k < len(x); k++ {
		s0 += float64(x[k])
	}
	mean = ((s0 + s1) + (s2 + s3)) / float64(len(x))
	s0, s1, s2, s3 = 0, 0, 0, 0
	for k = 0; k+4 <= len(x); k += 4 {
		q := x[k : k+4 : k+4]
		d0, d1, d2, d3 := float64(q[0])-mean, float64(q[1])-mean, float64(q[2])-mean, float64(q[3])-mean
		s0 += d0 * d0
		s1 += d1 * d1
		s2 += d2 * d2
		s3 += d3 * d3
	}
	for ; k < len(x); k++ {
		d := float64(x[k]) - mean
		s0 += d * d
	}
	variance := ((s0 + s1) + (s2 + s3)) / float64(len(x))
	return mean, 1 / math.Sqrt(variance+eps)
}

// LayerNormRows writes gamma ⊙ normalised row + beta for every row of
// length d of x into out: the layer norm op's forward kernel, exported so
// that plain-Go inference (train/infer) computes exactly the same values.
func LayerNormRows[T float](out, x, gamma, beta []T, d int, eps float64) {
	for off := 0; off < len(x); off += d {
		mean, rstd := rowStats(x[off:off+d], eps)
		for k := 0; k < d; k++ {
			out[off+k] = T((float64(x[off+k])-mean)*rstd*float64(gamma[k]) + float64(beta[k]))
		}
	}
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
		func(out []float32, in ...[]float32) { layerNormBackward(out, in[0], in[1], in[2], d, op.eps) },
		func(out []float64, in ...[]float64) { layerNormBackward(out, in[0], in[1], in[2], d, op.eps) })
}

func layerNormBackward[T float](dx, x, gamma, dy []T, d int, eps float64) {
	for off := 0; off < len(x); off += d {
		xr, dyr, dxr := x[off:off+d], dy[off:off+d], dx[off:off+d]
		mean, rstd := rowStats(xr, eps)
		mg, mgx := gradMeans(xr, gamma, dyr, mean, rstd)
		for k := range xr {
			xh := (float64(xr[k]) - mean) * rstd
			g := float64(dyr[k]) * float64(gamma[k])
			dxr[k] = T(rstd * (g - mg - xh*mgx))
		}
	}
}

// gradMeans returns mean(g) and mean(g ⊙ xhat) over one row, g = dy ⊙
// gamma, each summed over two interleaved partial sums (even and odd k
// below len&^1, the last element into the even sum).
func gradMeans[T float](x, gamma, dy []T, mean, rstd float64) (mg, mgx float64) {
	var g0, g1, h0, h1 float64
	k := 0
	for ; k+2 <= len(x); k += 2 {
		xh0 := (float64(x[k]) - mean) * rstd
		xh1 := (float64(x[k+1]) - mean) * rstd
		a := float64(dy[k]) * float64(gamma[k])
		b := float64(dy[k+1]) * float64(gamma[k+1])
		g0 += a
		g1 += b
		h0 += a * xh0
		h1 += b * xh1
	}
	if k < len(x) {
		xh := (float64(x[k]) - mean) * rstd
		a := float64(dy[k]) * float64(gamma[k])
		g0 += a
		h0 += a * xh
	}
	n := float64(len(x))
	return (g0 + g1) / n, (h0 + h1) / n
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
		layerNormGammaGrad(out.Float32s(), ts[0].Float32s(), ts[1].Float32s(), d, op.eps)
	case tensor.Float64:
		layerNormGammaGrad(out.Float64s(), ts[0].Float64s(), ts[1].Float64s(), d, op.eps)
	default:
		return nil, fmt.Errorf("layer norm gamma grad: unsupported dtype %v", out.Dtype())
	}
	return out, nil
}

func layerNormGammaGrad[T float](dgamma, x, dy []T, d int, eps float64) {
	acc := make([]float64, d)
	for off := 0; off < len(x); off += d {
		mean, rstd := rowStats(x[off:off+d], eps)
		for k := 0; k < d; k++ {
			acc[k] += float64(dy[off+k]) * (float64(x[off+k]) - mean) * rstd
		}
	}
	for k, v := range acc {
		dgamma[k] = T(v)
	}
}
