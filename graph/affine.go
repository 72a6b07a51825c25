package graph

import (
	"fmt"
	"hash"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/seq2seq/transformer/graph/vec"
)

// affineOp is y = x·W + b for x (N, in), W (in, out), b (out): the bias is
// written first and the product accumulated onto it by one GEMM, which saves
// Gorgonia's broadcast add (a repeated copy of b and an addition) and, in the
// backward pass, its axis sum.
type affineOp struct{ opBase }

// Affine returns x·w + b for 2-D x (N, in) and w (in, out) and 1-D b (out).
func Affine(x, w, b *G.Node) (*G.Node, error) {
	xs, ws, bs := x.Shape(), w.Shape(), b.Shape()
	if xs.Dims() != 2 || ws.Dims() != 2 || bs.Dims() != 1 || xs[1] != ws[0] || bs[0] != ws[1] {
		return nil, fmt.Errorf("affine: shapes %v·%v + %v do not fit", xs, ws, bs)
	}
	return G.ApplyOp(&affineOp{}, x, w, b)
}

func (affineOp) Arity() int { return 3 }
func (affineOp) Type() hm.Type {
	a := hm.TypeVariable('a')
	m := G.TensorType{Dims: 2, Of: a}
	return hm.NewFnType(m, m, G.TensorType{Dims: 1, Of: a}, m)
}
func (affineOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	return tensor.Shape{in[0].(tensor.Shape)[0], in[1].(tensor.Shape)[1]}, nil
}
func (affineOp) String() string           { return "Affine" }
func (op affineOp) WriteHash(h hash.Hash) { writeHash(h, op) }
func (op affineOp) Hashcode() uint32      { return hashOf(op) }

func (op *affineOp) Do(vals ...G.Value) (G.Value, error) {
	ts, err := tensorsOf("affine", vals)
	if err != nil {
		return nil, err
	}
	x, w, b := ts[0], ts[1], ts[2]
	n, in, out := x.Shape()[0], w.Shape()[0], w.Shape()[1]
	y := op.newOut(x.Dtype(), tensor.Shape{n, out}, false) // every element written below
	switch y.Dtype() {
	case tensor.Float32:
		fillRows(y.Float32s(), b.Float32s())
	case tensor.Float64:
		fillRows(y.Float64s(), b.Float64s())
	}
	if err := gemm(y, x, w, gemmGeom{m: n, k: in, n: out}, 1); err != nil {
		return nil, fmt.Errorf("affine: %w", err)
	}
	return y, nil
}

// fillRows copies row into every row of dst.
func fillRows[T float](dst, row []T) {
	for i := 0; i < len(dst); i += len(row) {
		copy(dst[i:i+len(row)], row)
	}
}

func (affineOp) DiffWRT(int) []bool { return []bool{true, true, true} }

// SymDiff: dx = dy·Wᵀ, dW = xᵀ·dy, db = the column sums of dy.
func (op *affineOp) SymDiff(inputs G.Nodes, _, grad *G.Node) (G.Nodes, error) {
	x, w := inputs[0], inputs[1]
	dx, err := MatMul(grad, w, false, true)
	if err != nil {
		return nil, err
	}
	dw, err := MatMul(x, grad, true, false)
	if err != nil {
		return nil, err
	}
	db, err := G.ApplyOp(&colSumOp{}, grad)
	if err != nil {
		return nil, err
	}
	return G.Nodes{dx, dw, db}, nil
}

// colSumOp sums a 2-D (N, D) over its rows, giving (D): the bias gradient
// of Affine. It is linear and only ever used in a backward pass, so it has
// no gradient of its own; Affine's gradient check covers it.
type colSumOp struct{ opBase }

func (colSumOp) Arity() int { return 1 }
func (colSumOp) Type() hm.Type {
	a := hm.TypeVariable('a')
	return hm.NewFnType(G.TensorType{Dims: 2, Of: a}, G.TensorType{Dims: 1, Of: a})
}
func (colSumOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	return tensor.Shape{in[0].(tensor.Shape)[1]}, nil
}
func (colSumOp) String() string           { return "ColSum" }
func (op colSumOp) WriteHash(h hash.Hash) { writeHash(h, op) }
func (op colSumOp) Hashcode() uint32      { return hashOf(op) }

func (op *colSumOp) Do(vals ...G.Value) (G.Value, error) {
	ts, err := tensorsOf("column sum", vals)
	if err != nil {
		return nil, err
	}
	d := ts[0].Shape()[1]
	out := op.newOut(ts[0].Dtype(), tensor.Shape{d}, true)
	switch out.Dtype() {
	case tensor.Float32:
		addRows(out.Float32s(), ts[0].Float32s())
	case tensor.Float64:
		addRows(out.Float64s(), ts[0].Float64s())
	default:
		return nil, fmt.Errorf("column sum: unsupported dtype %v", out.Dtype())
	}
	return out, nil
}

// addRows adds every row of the row-major src (N, len(dst)) into dst, in
// row order (float32 rows through vec.AddTo).
func addRows[T float](dst, src []T) {
	if d, ok := any(dst).([]float32); ok {
		s := any(src).([]float32)
		for i := 0; i < len(s); i += len(d) {
			vec.AddTo(d, s[i:i+len(d)])
		}
		return
	}
	for i := 0; i < len(src); i += len(dst) {
		row := src[i : i+len(dst)]
		for j, v := range row {
			dst[j] += v
		}
	}
}
