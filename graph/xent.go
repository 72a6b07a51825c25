package graph

import (
	"fmt"
	"hash"
	"math"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// xentOp is label-smoothed cross-entropy over the rows of logits (N, V)
// against integer targets (N) stored as floats. The smoothed target puts
// 1-eps+eps/V on the true class and eps/V on every class, as PyTorch's
// CrossEntropyLoss(label_smoothing=eps) does. Rows whose target is pad are
// ignored; the result is the mean over the others (0 when there are none).
// Softmax and log are fused, so no probability tensor is materialised and
// extreme logits cannot overflow.
type xentOp struct {
	opBase
	eps float64
	pad int
}

// SmoothedCrossEntropy returns the mean label-smoothed cross-entropy of
// logits (N, V) against targets (N) over the rows whose target is not pad.
func SmoothedCrossEntropy(logits, targets *G.Node, eps float64, pad int) (*G.Node, error) {
	ls, ts := logits.Shape(), targets.Shape()
	if ls.Dims() != 2 || ts.Dims() != 1 || ts[0] != ls[0] {
		return nil, fmt.Errorf("cross-entropy: want logits (N, V) and targets (N), got %v and %v", ls, ts)
	}
	return G.ApplyOp(&xentOp{eps: eps, pad: pad}, logits, targets)
}

func (op *xentOp) Arity() int { return 2 }
func (op *xentOp) Type() hm.Type {
	a := hm.TypeVariable('a')
	return hm.NewFnType(G.TensorType{Dims: 2, Of: a}, G.TensorType{Dims: 1, Of: a}, a)
}
func (op *xentOp) InferShape(...G.DimSizer) (tensor.Shape, error) { return tensor.ScalarShape(), nil }
func (op *xentOp) String() string                                 { return fmt.Sprintf("SmoothedXent{eps=%v,pad=%d}", op.eps, op.pad) }
func (op *xentOp) WriteHash(h hash.Hash)                          { writeHash(h, op) }
func (op *xentOp) Hashcode() uint32                               { return hashOf(op) }

func (op *xentOp) Do(vals ...G.Value) (G.Value, error) {
	v := lastDimOf(vals[0])
	return scalarLoss("cross-entropy", vals,
		func(x, t []float32) (float64, error) { return xentForward(x, t, v, op.eps, op.pad) },
		func(x, t []float64) (float64, error) { return xentForward(x, t, v, op.eps, op.pad) })
}

// logSumExp returns log(sum(exp(row - max))) + max of one row, using
// scratch (len(row)) for the exponentials.
func logSumExp[T float](row, scratch []T) float64 {
	mx := rowMax(row)
	return mx + math.Log(float64(expShift(scratch, row, T(mx))))
}

// rowMax returns the largest element of row (-Inf for none); NaNs are
// skipped here and propagate through the exponentials that follow.
func rowMax[T float](row []T) float64 {
	mx := math.Inf(-1)
	for _, v := range row {
		if float64(v) > mx {
			mx = float64(v)
		}
	}
	return mx
}

// targetOf validates and returns row i's target class, or -1 for pad.
func targetOf[T float](targets []T, i, v, pad int) (int, error) {
	t := int(targets[i])
	if T(t) != targets[i] || t < 0 || t >= v {
		return 0, fmt.Errorf("cross-entropy: target %v at row %d is not a class in [0, %d)", targets[i], i, v)
	}
	if t == pad {
		return -1, nil
	}
	return t, nil
}

func xentForward[T float](logits, targets []T, v int, eps float64, pad int) (float64, error) {
	var total float64
	count := 0
	scratch := make([]T, v)
	for i := range targets {
		t, err := targetOf(targets, i, v, pad)
		if err != nil {
			return 0, err
		}
		if t < 0 {
			continue
		}
		row := logits[i*v : (i+1)*v]
		lse := logSumExp(row, scratch)
		var sumLogP float64
		for _, x := range row {
			sumLogP += float64(x) - lse
		}
		total += -(1-eps)*(float64(row[t])-lse) - eps/float64(v)*sumLogP
		count++
	}
	if count == 0 {
		return 0, nil
	}
	return total / float64(count), nil
}

func (op *xentOp) DiffWRT(int) []bool { return []bool{true, false} }

func (op *xentOp) SymDiff(inputs G.Nodes, _, grad *G.Node) (G.Nodes, error) {
	return firstInputGrad(&xentGradOp{eps: op.eps, pad: op.pad, inPlace: outputUnread(inputs[0])}, inputs, grad)
}

// xentGradOp maps (logits, targets, dloss) to dlogits =
// dloss * (softmax(row) - smoothed target) / count for non-pad rows, 0 for pad.
// When inPlace is set (the logits come from an op whose gradient does not
// read its output), it declares that it overwrites the logits, and
// Gorgonia's compiler, when nothing reads the logits afterwards, runs
// UnsafeDo, which writes the gradient over them: the (N, V) probabilities
// then exist once, not twice (46 MB a half batch at a 10k vocabulary).
type xentGradOp struct {
	opBase
	eps     float64
	pad     int
	inPlace bool
}

// outputUnread reports whether n is the output of one of the project's ops
// whose gradient reads only its inputs (a matrix product or an affine
// map), so that a consumer may overwrite n's value once it is done with it.
// Inputs and Gorgonia's ops (Exp's gradient reads its output) never are.
func outputUnread(n *G.Node) bool {
	switch n.Op().(type) {
	case *matMulOp, *affineOp:
		return true
	}
	return false
}

// OverwritesInput is 0 (the logits) when the op may work in place.
func (op *xentGradOp) OverwritesInput() int {
	if op.inPlace {
		return 0
	}
	return -1
}

// ReturnsPtr is true when the op may work in place: Gorgonia's register
// allocator considers overwriting an input only for such ops.
func (op *xentGradOp) ReturnsPtr() bool { return op.inPlace }

// overwrites marks the ops whose output Gorgonia may place over an input's
// buffer: PoolNeed does not count them.
func (op *xentGradOp) overwrites() bool { return op.inPlace }

func (op *xentGradOp) Arity() int { return 3 }
func (op *xentGradOp) Type() hm.Type {
	a := hm.TypeVariable('a')
	m := G.TensorType{Dims: 2, Of: a}
	return hm.NewFnType(m, G.TensorType{Dims: 1, Of: a}, a, m)
}
func (op *xentGradOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	return in[0].(tensor.Shape).Clone(), nil
}
func (op *xentGradOp) String() string {
	return fmt.Sprintf("SmoothedXentGrad{eps=%v,pad=%d,inPlace=%t}", op.eps, op.pad, op.inPlace)
}
func (op *xentGradOp) WriteHash(h hash.Hash) { writeHash(h, op) }
func (op *xentGradOp) Hashcode() uint32      { return hashOf(op) }

func (op *xentGradOp) Do(vals ...G.Value) (G.Value, error) {
	return op.do(false, vals)
}

// UnsafeDo writes the gradient over the logits (vals[0]) when the op was
// built in place; Gorgonia calls it only once nothing else reads them.
func (op *xentGradOp) UnsafeDo(vals ...G.Value) (G.Value, error) {
	return op.do(op.inPlace, vals)
}

// UsePreallocDo is how Gorgonia's tape machine calls an op whose output
// register already holds a value, as the logits' register does when the
// compiler placed the gradient over them: it then writes in place.
func (op *xentGradOp) UsePreallocDo(prealloc G.Value, vals ...G.Value) (G.Value, error) {
	return op.do(op.inPlace && len(vals) > 0 && prealloc == vals[0], vals)
}

func (op *xentGradOp) do(inPlace bool, vals []G.Value) (G.Value, error) {
	ts, dloss, err := lossGradInputs("cross-entropy grad", vals)
	if err != nil {
		return nil, err
	}
	var out *tensor.Dense
	if inPlace {
		out = ts[0] // each row is read before it is overwritten; pad rows are zeroed below
	} else {
		out = op.newOut(ts[0].Dtype(), ts[0].Shape(), true) // pad rows stay 0
	}
	v := lastDimOf(ts[0])
	switch out.Dtype() {
	case tensor.Float32:
		err = xentBackward(out.Float32s(), ts[0].Float32s(), ts[1].Float32s(), v, op.eps, op.pad, dloss)
	case tensor.Float64:
		err = xentBackward(out.Float64s(), ts[0].Float64s(), ts[1].Float64s(), v, op.eps, op.pad, dloss)
	default:
		err = fmt.Errorf("cross-entropy grad: unsupported dtype %v", out.Dtype())
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

func xentBackward[T float](dx, logits, targets []T, v int, eps float64, pad int, dloss float64) error {
	count := 0
	for i := range targets {
		t, err := targetOf(targets, i, v, pad)
		if err != nil {
			return err
		}
		if t >= 0 {
			count++
		}
	}
	if count == 0 {
		clear(dx) // a no-op unless dx overwrites logits
		return nil
	}
	scale := dloss / float64(count)
	uniform := eps / float64(v)
	for i := range targets {
		t, _ := targetOf(targets, i, v, pad)
		if t < 0 {
			clear(dx[i*v : (i+1)*v]) // a no-op unless dx overwrites logits
			continue
		}
		row, out := logits[i*v:(i+1)*v], dx[i*v:(i+1)*v]
		// One pass of exponentials: out holds exp(x - max), then the
		// gradient scale*(softmax - smoothed target).
		inv := 1 / float64(expShift(out, row, T(rowMax(row))))
		for j, e := range out {
			out[j] = T(scale * (float64(e)*inv - uniform))
		}
		out[t] -= T(scale * (1 - eps))
	}
	return nil
}
