package graph

import (
	"hash"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/seq2seq/transformer/graph/vec"
)

// AddDropout returns x + Dropout(s, p), the residual connection of a
// Transformer sublayer, as one fused op when dropout is active (plain Add
// otherwise).
func (b *Builder) AddDropout(x, s *G.Node, p float64) *G.Node {
	if !b.Train || p == 0 {
		return b.Add(x, s)
	}
	n, err := G.ApplyOp(&maskedAddOp{}, x, s, b.dropoutMask(s, p))
	return b.must("add dropout", n, err)
}

// ReLUDropout returns Dropout(ReLU(x), p), the feed-forward activation, as
// one fused op when dropout is active (plain ReLU otherwise).
func (b *Builder) ReLUDropout(x *G.Node, p float64) *G.Node {
	if !b.Train || p == 0 {
		return b.ReLU(x)
	}
	n, err := G.ApplyOp(&reluMaskOp{}, x, b.dropoutMask(x, p))
	return b.must("relu dropout", n, err)
}

// maskedAddOp maps (x, s, mask) to x + s ⊙ mask.
type maskedAddOp struct{ opBase }

func (maskedAddOp) Arity() int    { return 3 }
func (maskedAddOp) Type() hm.Type { return sameType(3) }
func (maskedAddOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	return in[0].(tensor.Shape).Clone(), nil
}
func (maskedAddOp) String() string           { return "MaskedAdd" }
func (op maskedAddOp) WriteHash(h hash.Hash) { writeHash(h, op) }
func (op maskedAddOp) Hashcode() uint32      { return hashOf(op) }

func (op *maskedAddOp) Do(vals ...G.Value) (G.Value, error) {
	return elementwiseLike(&op.opBase, "masked add", vals,
		func(out []float32, in ...[]float32) { maskedAdd(out, in[0], in[1], in[2]) },
		func(out []float64, in ...[]float64) { maskedAdd(out, in[0], in[1], in[2]) })
}

func maskedAdd[T float](out, x, s, m []T) {
	for i := range out {
		out[i] = x[i] + s[i]*m[i]
	}
}

func (maskedAddOp) DiffWRT(int) []bool { return []bool{true, true, false} }

// SymDiff: dx = dy, ds = dy ⊙ mask.
func (maskedAddOp) SymDiff(inputs G.Nodes, _, grad *G.Node) (G.Nodes, error) {
	ds, err := G.ApplyOp(&maskMulOp{}, grad, inputs[2])
	if err != nil {
		return nil, err
	}
	return G.Nodes{grad, ds, nil}, nil
}

// reluMaskOp maps (x, mask) to max(x, 0) ⊙ mask.
type reluMaskOp struct{ opBase }

func (reluMaskOp) Arity() int    { return 2 }
func (reluMaskOp) Type() hm.Type { return sameType(2) }
func (reluMaskOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	return in[0].(tensor.Shape).Clone(), nil
}
func (reluMaskOp) String() string           { return "ReLUMask" }
func (op reluMaskOp) WriteHash(h hash.Hash) { writeHash(h, op) }
func (op reluMaskOp) Hashcode() uint32      { return hashOf(op) }

func (op *reluMaskOp) Do(vals ...G.Value) (G.Value, error) {
	return elementwiseLike(&op.opBase, "relu mask", vals,
		func(out []float32, in ...[]float32) { reluMask(out, in[0], in[1], in[0]) },
		func(out []float64, in ...[]float64) { reluMask(out, in[0], in[1], in[0]) })
}

// reluMask writes v ⊙ mask where x > 0 and 0 elsewhere: the forward pass
// with v = x, the backward with v = dy (PyTorch's subgradient 0 at x = 0).
// float32 goes through vec.ReLUMul, which computes the same values.
func reluMask[T float](out, x, m, v []T) {
	if o, ok := any(out).([]float32); ok {
		vec.ReLUMul(o, any(x).([]float32), any(v).([]float32), any(m).([]float32))
		return
	}
	for i := range out {
		if x[i] > 0 {
			out[i] = v[i] * m[i]
		} else {
			out[i] = 0
		}
	}
}

func (reluMaskOp) DiffWRT(int) []bool { return []bool{true, false} }

// SymDiff: dx = dy ⊙ mask where x > 0, else 0.
func (reluMaskOp) SymDiff(inputs G.Nodes, _, grad *G.Node) (G.Nodes, error) {
	dx, err := G.ApplyOp(&reluMaskGradOp{}, inputs[0], inputs[1], grad)
	if err != nil {
		return nil, err
	}
	return G.Nodes{dx, nil}, nil
}

// reluMaskGradOp maps (x, mask, dy) to reluMaskOp's gradient. Gradient-only;
// the ReLUDropout gradient check covers it.
type reluMaskGradOp struct{ opBase }

func (reluMaskGradOp) Arity() int    { return 3 }
func (reluMaskGradOp) Type() hm.Type { return sameType(3) }
func (reluMaskGradOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	return in[0].(tensor.Shape).Clone(), nil
}
func (reluMaskGradOp) String() string           { return "ReLUMaskGrad" }
func (op reluMaskGradOp) WriteHash(h hash.Hash) { writeHash(h, op) }
func (op reluMaskGradOp) Hashcode() uint32      { return hashOf(op) }

func (op *reluMaskGradOp) Do(vals ...G.Value) (G.Value, error) {
	return elementwiseLike(&op.opBase, "relu mask grad", vals,
		func(out []float32, in ...[]float32) { reluMask(out, in[0], in[1], in[2]) },
		func(out []float64, in ...[]float64) { reluMask(out, in[0], in[1], in[2]) })
}

// maskMulOp maps (x, mask) to x ⊙ mask into a pooled output in one pass
// (Gorgonia's HadamardProd clones x, then multiplies): dropout with a drawn
// mask, and the gradient of the dropout ops.
type maskMulOp struct{ opBase }

func (maskMulOp) Arity() int    { return 2 }
func (maskMulOp) Type() hm.Type { return sameType(2) }
func (maskMulOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	return in[0].(tensor.Shape).Clone(), nil
}
func (maskMulOp) String() string           { return "MaskMul" }
func (op maskMulOp) WriteHash(h hash.Hash) { writeHash(h, op) }
func (op maskMulOp) Hashcode() uint32      { return hashOf(op) }

func (op *maskMulOp) Do(vals ...G.Value) (G.Value, error) {
	return elementwiseLike(&op.opBase, "mask mul", vals,
		func(out []float32, in ...[]float32) { vec.Mul(out, in[0], in[1]) },
		func(out []float64, in ...[]float64) { vec.Mul(out, in[0], in[1]) })
}

func (maskMulOp) DiffWRT(int) []bool { return []bool{true, false} }

// SymDiff: dx = dy ⊙ mask.
func (maskMulOp) SymDiff(inputs G.Nodes, _, grad *G.Node) (G.Nodes, error) {
	dx, err := G.ApplyOp(&maskMulOp{}, grad, inputs[1])
	if err != nil {
		return nil, err
	}
	return G.Nodes{dx, nil}, nil
}
