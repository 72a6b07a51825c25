package graph

import (
	"fmt"
	"hash"
	"hash/fnv"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// float is the set of element types the custom ops run on.
type float interface{ ~float32 | ~float64 }

// opBase supplies the Op methods that are the same for every custom op here:
// pure (no pointer returned, no input overwritten), pure Go (no cgo), and
// hashed from the op's String, which therefore lists every parameter (Gorgonia
// merges nodes whose op hashes and children are equal).
type opBase struct{ pool *Pool }

func (opBase) ReturnsPtr() bool     { return false }
func (opBase) CallsExtern() bool    { return false }
func (opBase) OverwritesInput() int { return -1 }

func hashOf(s fmt.Stringer) uint32 {
	h := fnv.New32a()
	fmt.Fprint(h, s.String())
	return h.Sum32()
}

func writeHash(h hash.Hash, s fmt.Stringer) { fmt.Fprint(h, s.String()) }

// sameType is the type a → a → ... → a of an op with n inputs of one type.
func sameType(n int) hm.Type {
	a := hm.TypeVariable('a')
	ts := make([]hm.Type, n+1)
	for i := range ts {
		ts[i] = a
	}
	return hm.NewFnType(ts...)
}

// tensorsOf checks that every input value is a *tensor.Dense of one float
// dtype and returns them.
func tensorsOf(name string, vals []G.Value) ([]*tensor.Dense, error) {
	out := make([]*tensor.Dense, len(vals))
	for i, v := range vals {
		d, ok := v.(*tensor.Dense)
		if !ok {
			return nil, fmt.Errorf("%s: input %d is %T, want *tensor.Dense", name, i, v)
		}
		if d.Dtype() != vals0Dtype(vals) {
			return nil, fmt.Errorf("%s: input %d has dtype %v, want %v", name, i, d.Dtype(), vals0Dtype(vals))
		}
		out[i] = d
	}
	return out, nil
}

func vals0Dtype(vals []G.Value) tensor.Dtype { return vals[0].Dtype() }

// scalarOf reads a scalar Value (a Gorgonia *F32/*F64 or a one-element tensor).
func scalarOf(v G.Value) (float64, error) {
	switch s := v.(type) {
	case *G.F32:
		return float64(*s), nil
	case *G.F64:
		return float64(*s), nil
	case tensor.Tensor:
		if s.Shape().TotalSize() == 1 {
			return Float64s(s)[0], nil
		}
	}
	return 0, fmt.Errorf("want a scalar, got %T %v", v, v.Shape())
}

// scalarValue wraps x as a scalar Value of dtype dt.
func scalarValue(dt tensor.Dtype, x float64) (G.Value, error) {
	switch dt {
	case tensor.Float32:
		return G.NewF32(float32(x)), nil
	case tensor.Float64:
		return G.NewF64(x), nil
	}
	return nil, fmt.Errorf("unsupported dtype %v", dt)
}

// elementwiseLike runs a row kernel whose output has the shape and dtype of
// its first input: it checks the inputs, allocates the output (from the
// op's pool if it has one, not zeroed: the kernel writes every element) and
// calls f32 or f64 with the output's and the inputs' data.
func elementwiseLike(o *opBase, name string, vals []G.Value, f32 func(out []float32, in ...[]float32), f64 func(out []float64, in ...[]float64)) (G.Value, error) {
	ts, err := tensorsOf(name, vals)
	if err != nil {
		return nil, err
	}
	out := o.newOut(ts[0].Dtype(), ts[0].Shape(), false)
	switch out.Dtype() {
	case tensor.Float32:
		in := make([][]float32, len(ts))
		for i, t := range ts {
			in[i] = t.Float32s()
		}
		f32(out.Float32s(), in...)
	case tensor.Float64:
		in := make([][]float64, len(ts))
		for i, t := range ts {
			in[i] = t.Float64s()
		}
		f64(out.Float64s(), in...)
	default:
		return nil, fmt.Errorf("%s: unsupported dtype %v", name, out.Dtype())
	}
	return out, nil
}

// lastDimOf returns the size of a value's last axis, 0 for a scalar.
func lastDimOf(v G.Value) int {
	s := v.Shape()
	if len(s) == 0 {
		return 0
	}
	return s[len(s)-1]
}

// scalarLoss runs a two-input loss kernel whose output is a scalar of the
// inputs' dtype: it checks the inputs and calls f32 or f64 with their data.
// Errors name the op.
func scalarLoss(name string, vals []G.Value, f32 func(a, b []float32) (float64, error), f64 func(a, b []float64) (float64, error)) (G.Value, error) {
	ts, err := tensorsOf(name, vals)
	if err != nil {
		return nil, err
	}
	var loss float64
	switch ts[0].Dtype() {
	case tensor.Float32:
		loss, err = f32(ts[0].Float32s(), ts[1].Float32s())
	case tensor.Float64:
		loss, err = f64(ts[0].Float64s(), ts[1].Float64s())
	default:
		return nil, fmt.Errorf("%s: unsupported dtype %v", name, ts[0].Dtype())
	}
	if err != nil {
		return nil, err
	}
	return scalarValue(ts[0].Dtype(), loss)
}

// lossGradInputs checks the inputs (x, target, dloss) of a loss's gradient
// op and returns x and target as tensors and dloss as a float64. Errors
// name the op.
func lossGradInputs(name string, vals []G.Value) ([]*tensor.Dense, float64, error) {
	ts, err := tensorsOf(name, vals[:2])
	if err != nil {
		return nil, 0, err
	}
	dloss, err := scalarOf(vals[2])
	if err != nil {
		return nil, 0, fmt.Errorf("%s: %w", name, err)
	}
	return ts, dloss, nil
}

// firstInputGrad applies gradOp to (x, target, grad), the gradient of a
// loss differentiated only in its first input x; the target gets none.
func firstInputGrad(gradOp G.Op, inputs G.Nodes, grad *G.Node) (G.Nodes, error) {
	d, err := G.ApplyOp(gradOp, inputs[0], inputs[1], grad)
	if err != nil {
		return nil, err
	}
	return G.Nodes{d, nil}, nil
}
