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
