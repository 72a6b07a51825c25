package graph

import (
	"fmt"
	"hash"
	"math"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// normalizeOp standardises each row of x over its last axis:
// (x - mean) / sqrt(var + eps), with the biased variance as in PyTorch's
// LayerNorm. The learned scale and shift are applied outside the op with
// broadcast products, so Gorgonia differentiates them.
type normalizeOp struct {
	opBase
	eps float64
}

// Normalize returns x standardised over its last axis.
func Normalize(x *G.Node, eps float64) (*G.Node, error) {
	return G.ApplyOp(&normalizeOp{eps: eps}, x)
}

func (op *normalizeOp) Arity() int    { return 1 }
func (op *normalizeOp) Type() hm.Type { return sameType(1) }
func (op *normalizeOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	return in[0].(tensor.Shape).Clone(), nil
}
func (op *normalizeOp) String() string        { return fmt.Sprintf("Normalize{eps=%v}", op.eps) }
func (op *normalizeOp) WriteHash(h hash.Hash) { writeHash(h, op) }
func (op *normalizeOp) Hashcode() uint32      { return hashOf(op) }

func (op *normalizeOp) Do(vals ...G.Value) (G.Value, error) {
	d := lastDimOf(vals[0])
	return elementwiseLike("normalize", vals,
		func(out []float32, in ...[]float32) { normalizeRows(out, in[0], d, op.eps) },
		func(out []float64, in ...[]float64) { normalizeRows(out, in[0], d, op.eps) })
}

func lastDim(t tensor.Tensor) int {
	s := t.Shape()
	return s[len(s)-1]
}

// rowStats returns the mean and 1/sqrt(var+eps) of one row, in float64.
func rowStats[T float](x []T, eps float64) (mean, rstd float64) {
	for _, v := range x {
		mean += float64(v)
	}
	mean /= float64(len(x))
	var variance float64
	for _, v := range x {
		c := float64(v) - mean
		variance += c * c
	}
	variance /= float64(len(x))
	return mean, 1 / math.Sqrt(variance+eps)
}

func normalizeRows[T float](out, x []T, d int, eps float64) {
	for off := 0; off < len(x); off += d {
		mean, rstd := rowStats(x[off:off+d], eps)
		for k := off; k < off+d; k++ {
			out[k] = T((float64(x[k]) - mean) * rstd)
		}
	}
}

func (op *normalizeOp) DiffWRT(int) []bool { return []bool{true} }

func (op *normalizeOp) SymDiff(inputs G.Nodes, _, grad *G.Node) (G.Nodes, error) {
	dx, err := G.ApplyOp(&normalizeGradOp{eps: op.eps}, inputs[0], grad)
	if err != nil {
		return nil, err
	}
	return G.Nodes{dx}, nil
}

// normalizeGradOp maps (x, dy) to the gradient of normalizeOp:
// dx = rstd * (dy - mean(dy) - xhat * mean(dy ⊙ xhat)) row-wise.
type normalizeGradOp struct {
	opBase
	eps float64
}

func (op *normalizeGradOp) Arity() int    { return 2 }
func (op *normalizeGradOp) Type() hm.Type { return sameType(2) }
func (op *normalizeGradOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	return in[0].(tensor.Shape).Clone(), nil
}
func (op *normalizeGradOp) String() string        { return fmt.Sprintf("NormalizeGrad{eps=%v}", op.eps) }
func (op *normalizeGradOp) WriteHash(h hash.Hash) { writeHash(h, op) }
func (op *normalizeGradOp) Hashcode() uint32      { return hashOf(op) }

func (op *normalizeGradOp) Do(vals ...G.Value) (G.Value, error) {
	d := lastDimOf(vals[0])
	return elementwiseLike("normalize grad", vals,
		func(out []float32, in ...[]float32) { normalizeBackward(out, in[0], in[1], d, op.eps) },
		func(out []float64, in ...[]float64) { normalizeBackward(out, in[0], in[1], d, op.eps) })
}

func normalizeBackward[T float](dx, x, dy []T, d int, eps float64) {
	for off := 0; off < len(x); off += d {
		mean, rstd := rowStats(x[off:off+d], eps)
		var mdy, mdyx float64
		for k := off; k < off+d; k++ {
			xh := (float64(x[k]) - mean) * rstd
			mdy += float64(dy[k])
			mdyx += float64(dy[k]) * xh
		}
		mdy /= float64(d)
		mdyx /= float64(d)
		for k := off; k < off+d; k++ {
			xh := (float64(x[k]) - mean) * rstd
			dx[k] = T(rstd * (float64(dy[k]) - mdy - xh*mdyx))
		}
	}
}
