package graph

import (
	"fmt"
	"hash"
	"math"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/seq2seq/transformer/graph/vec"
)

// softmaxOp computes softmax(scale*x + mask) over the last axis with the
// real row maximum subtracted, so extreme logits cannot overflow. x is
// (G, Tq, Tk); the optional additive mask is (Bm, Mq, Tk) with Bm dividing G
// (group g uses mask row g/(G/Bm)) and Mq either Tq or 1 (shared by all
// queries). Masked entries hold -Inf or a large negative number. A row whose
// every entry is -Inf gives zeros, never NaN. Without a mask x may have any
// rank and the softmax runs over its last axis.
type softmaxOp struct {
	opBase
	scale   float64
	hasMask bool
}

// Softmax returns softmax(scale*x) over the last axis of x.
func Softmax(x *G.Node, scale float64) (*G.Node, error) {
	return G.ApplyOp(&softmaxOp{scale: scale}, x)
}

// MaskedSoftmax returns softmax(scale*x + mask) over the last axis of the 3-D
// x, the mask broadcast as described on softmaxOp.
func MaskedSoftmax(x, mask *G.Node, scale float64) (*G.Node, error) {
	xs, ms := x.Shape(), mask.Shape()
	if xs.Dims() != 3 || ms.Dims() != 3 {
		return nil, fmt.Errorf("masked softmax: want 3-D x and mask, got %v and %v", xs, ms)
	}
	if xs[0]%ms[0] != 0 || (ms[1] != xs[1] && ms[1] != 1) || ms[2] != xs[2] {
		return nil, fmt.Errorf("masked softmax: mask %v does not broadcast to %v", ms, xs)
	}
	return G.ApplyOp(&softmaxOp{scale: scale, hasMask: true}, x, mask)
}

func (op *softmaxOp) Arity() int {
	if op.hasMask {
		return 2
	}
	return 1
}
func (op *softmaxOp) Type() hm.Type { return sameType(op.Arity()) }
func (op *softmaxOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	return in[0].(tensor.Shape).Clone(), nil
}
func (op *softmaxOp) String() string {
	return fmt.Sprintf("Softmax{scale=%v,mask=%v}", op.scale, op.hasMask)
}
func (op *softmaxOp) WriteHash(h hash.Hash) { writeHash(h, op) }
func (op *softmaxOp) Hashcode() uint32      { return hashOf(op) }

func (op *softmaxOp) Do(vals ...G.Value) (G.Value, error) {
	ts, err := tensorsOf("softmax", vals)
	if err != nil {
		return nil, err
	}
	out := op.newOut(ts[0].Dtype(), ts[0].Shape(), false) // every row written
	geo := op.geometry(ts)
	switch out.Dtype() {
	case tensor.Float32:
		softmaxRows(out.Float32s(), ts[0].Float32s(), maskData[float32](ts), geo, float32(op.scale))
	case tensor.Float64:
		softmaxRows(out.Float64s(), ts[0].Float64s(), maskData[float64](ts), geo, op.scale)
	default:
		return nil, fmt.Errorf("softmax: unsupported dtype %v", out.Dtype())
	}
	return out, nil
}

func maskData[T float](ts []*tensor.Dense) []T {
	if len(ts) < 2 {
		return nil
	}
	return ts[1].Data().([]T)
}

// softmaxGeometry describes how rows of x map onto rows of the mask.
type softmaxGeometry struct {
	groups, tq, tk int // x is (groups, tq, tk)
	perMask        int // consecutive groups sharing one mask batch row
	mq             int // mask query rows: tq or 1
}

func (op *softmaxOp) geometry(ts []*tensor.Dense) softmaxGeometry {
	s := ts[0].Shape()
	tk := s[len(s)-1]
	rows := s.TotalSize() / tk
	if !op.hasMask {
		return softmaxGeometry{groups: rows, tq: 1, tk: tk, perMask: 1, mq: 1}
	}
	ms := ts[1].Shape()
	return softmaxGeometry{groups: s[0], tq: s[1], tk: tk, perMask: s[0] / ms[0], mq: ms[1]}
}

// softmaxRows writes softmax(scale*x + mask) row by row into out.
func softmaxRows[T float](out, x, mask []T, g softmaxGeometry, scale T) {
	for grp := 0; grp < g.groups; grp++ {
		for q := 0; q < g.tq; q++ {
			off := (grp*g.tq + q) * g.tk
			var m []T
			if mask != nil {
				mrow := (grp/g.perMask)*g.mq + min(q, g.mq-1)
				m = mask[mrow*g.tk : (mrow+1)*g.tk]
			}
			SoftmaxRow(out[off:off+g.tk], x[off:off+g.tk], m, scale)
		}
	}
}

// SoftmaxRow writes softmax(scale*x + m) of one row into out (m may be nil;
// out may be x): NaN anywhere gives a NaN row, a row masked everywhere
// zeros. Exported so that plain-Go inference (train/infer) computes the
// same values as the graph.
func SoftmaxRow[T float](out, x, m []T, scale T) {
	mx := T(math.Inf(-1))
	for k, v := range x {
		z := scale * v
		if m != nil {
			z += m[k]
		}
		if z != z { // NaN propagates: it must not pass for a masked row
			for i := range out {
				out[i] = z
			}
			return
		}
		out[k] = z
		if z > mx {
			mx = z
		}
	}
	if math.IsInf(float64(mx), -1) {
		clear(out)
		return
	}
	inv := 1 / expShift(out, out, mx)
	for k := range out {
		out[k] *= inv
	}
}

// expShift writes exp(x[k] - shift) into out and returns their sum: float32
// through vec.ExpSum (its polynomial and eight-lane sum), float64 with
// math.Exp summed in order. out may be x.
func expShift[T float](out, x []T, shift T) T {
	if o, ok := any(out).([]float32); ok {
		return T(vec.ExpSum(o, any(x).([]float32), float32(shift)))
	}
	var sum T
	for k, z := range x {
		e := T(math.Exp(float64(z - shift)))
		out[k] = e
		sum += e
	}
	return sum
}

func (op *softmaxOp) DiffWRT(n int) []bool {
	d := make([]bool, n)
	d[0] = true
	return d
}

func (op *softmaxOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	dx, err := G.ApplyOp(&softmaxGradOp{scale: op.scale}, output, grad)
	if err != nil {
		return nil, err
	}
	out := make(G.Nodes, len(inputs))
	out[0] = dx
	return out, nil
}

// softmaxGradOp maps (y, dy) to dx = scale * y ⊙ (dy - <dy, y>) row-wise,
// the gradient of softmaxOp with respect to x. Masked entries have y = 0 and
// so get no gradient.
type softmaxGradOp struct {
	opBase
	scale float64
}

func (op *softmaxGradOp) Arity() int    { return 2 }
func (op *softmaxGradOp) Type() hm.Type { return sameType(2) }
func (op *softmaxGradOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	return in[0].(tensor.Shape).Clone(), nil
}
func (op *softmaxGradOp) String() string        { return fmt.Sprintf("SoftmaxGrad{scale=%v}", op.scale) }
func (op *softmaxGradOp) WriteHash(h hash.Hash) { writeHash(h, op) }
func (op *softmaxGradOp) Hashcode() uint32      { return hashOf(op) }

func (op *softmaxGradOp) Do(vals ...G.Value) (G.Value, error) {
	tk := lastDimOf(vals[0])
	return elementwiseLike(&op.opBase, "softmax grad", vals,
		func(out []float32, in ...[]float32) { softmaxBackward(out, in[0], in[1], tk, float32(op.scale)) },
		func(out []float64, in ...[]float64) { softmaxBackward(out, in[0], in[1], tk, op.scale) })
}

func softmaxBackward[T float](dx, y, dy []T, tk int, scale T) {
	for off := 0; off < len(y); off += tk {
		yr, dyr, dxr := y[off:off+tk], dy[off:off+tk], dx[off:off+tk]
		var dot T
		for k := range yr {
			dot += yr[k] * dyr[k]
		}
		for k := range yr {
			dxr[k] = scale * yr[k] * (dyr[k] - dot)
		}
	}
}
