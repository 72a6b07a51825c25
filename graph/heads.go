package graph

import (
	"fmt"
	"hash"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// headsOp moves attention heads between the activation layout (B*T, D) and
// the per-head layout (B*H, T, D/H), one copy with direct index arithmetic
// instead of Gorgonia's reshape-transpose-reshape (whose generic iterator
// dominates at these sizes). split goes to the per-head layout, !split back.
type headsOp struct {
	opBase
	batch, length, heads int
	split                bool
}

// SplitHeads maps x (B*T, D) to (B*H, T, D/H).
func SplitHeads(x *G.Node, batch, length, heads int) (*G.Node, error) {
	s := x.Shape()
	if s.Dims() != 2 || s[0] != batch*length || s[1]%heads != 0 {
		return nil, fmt.Errorf("split heads: %v is not (%d*%d, D) with D divisible by %d", s, batch, length, heads)
	}
	return G.ApplyOp(&headsOp{batch: batch, length: length, heads: heads, split: true}, x)
}

// MergeHeads maps x (B*H, T, dh) to (B*T, H*dh).
func MergeHeads(x *G.Node, batch, length, heads int) (*G.Node, error) {
	s := x.Shape()
	if s.Dims() != 3 || s[0] != batch*heads || s[1] != length {
		return nil, fmt.Errorf("merge heads: %v is not (%d*%d, %d, dh)", s, batch, heads, length)
	}
	return G.ApplyOp(&headsOp{batch: batch, length: length, heads: heads}, x)
}

func (op *headsOp) Arity() int { return 1 }
func (op *headsOp) Type() hm.Type {
	a := hm.TypeVariable('a')
	two, three := G.TensorType{Dims: 2, Of: a}, G.TensorType{Dims: 3, Of: a}
	if op.split {
		return hm.NewFnType(two, three)
	}
	return hm.NewFnType(three, two)
}
func (op *headsOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	s := in[0].(tensor.Shape)
	if op.split {
		return tensor.Shape{op.batch * op.heads, op.length, s[1] / op.heads}, nil
	}
	return tensor.Shape{op.batch * op.length, op.heads * s[2]}, nil
}
func (op *headsOp) String() string {
	return fmt.Sprintf("Heads{split=%v,B=%d,T=%d,H=%d}", op.split, op.batch, op.length, op.heads)
}
func (op *headsOp) WriteHash(h hash.Hash) { writeHash(h, op) }
func (op *headsOp) Hashcode() uint32      { return hashOf(op) }

func (op *headsOp) Do(vals ...G.Value) (G.Value, error) {
	ts, err := tensorsOf("heads", vals)
	if err != nil {
		return nil, err
	}
	in := ts[0]
	s := in.Shape()
	var out *tensor.Dense
	var dh int
	if op.split {
		dh = s[1] / op.heads
		out = op.newOut(in.Dtype(), tensor.Shape{op.batch * op.heads, op.length, dh}, false) // a permutation: every element written
	} else {
		dh = s[2]
		out = op.newOut(in.Dtype(), tensor.Shape{op.batch * op.length, op.heads * dh}, false)
	}
	switch in.Dtype() {
	case tensor.Float32:
		permuteHeads(out.Float32s(), in.Float32s(), op.batch, op.length, op.heads, dh, op.split)
	case tensor.Float64:
		permuteHeads(out.Float64s(), in.Float64s(), op.batch, op.length, op.heads, dh, op.split)
	default:
		return nil, fmt.Errorf("heads: unsupported dtype %v", in.Dtype())
	}
	return out, nil
}

// permuteHeads copies between (B, T, H, dh) and (B, H, T, dh) row blocks.
func permuteHeads[T float](dst, src []T, batch, length, heads, dh int, split bool) {
	for b := 0; b < batch; b++ {
		for t := 0; t < length; t++ {
			for h := 0; h < heads; h++ {
				flat := ((b*length+t)*heads + h) * dh    // (B, T, H, dh)
				perHead := ((b*heads+h)*length + t) * dh // (B, H, T, dh)
				if split {
					copy(dst[perHead:perHead+dh], src[flat:flat+dh])
				} else {
					copy(dst[flat:flat+dh], src[perHead:perHead+dh])
				}
			}
		}
	}
}

func (op *headsOp) DiffWRT(int) []bool { return []bool{true} }

func (op *headsOp) SymDiff(_ G.Nodes, _, grad *G.Node) (G.Nodes, error) {
	inv := &headsOp{batch: op.batch, length: op.length, heads: op.heads, split: !op.split}
	d, err := G.ApplyOp(inv, grad)
	if err != nil {
		return nil, err
	}
	return G.Nodes{d}, nil
}
