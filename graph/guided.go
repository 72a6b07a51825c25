package graph

import (
	"fmt"
	"hash"
	"math"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// guidedMinProb is the smallest attention probability whose log the
// guided-alignment loss takes: a gold link on a masked or underflowed
// probability costs -log(guidedMinProb) ≈ 20.7 and passes no gradient,
// instead of an infinite loss.
const guidedMinProb = 1e-9

// guidedOp is the guided-alignment loss (Garg et al. 2019) of one
// attention head: the cross-entropy between the head's probabilities and a
// gold alignment distribution, averaged over the target positions that
// have gold links, times a weight. Inputs: probs (B*heads, T, S), the
// attention of every sentence and head (sentence b, head h in block
// b*heads+h, as MultiHeadAttention tags them), and gold (B, T, S), each row
// a distribution over source positions (row-normalised links) or all zero
// for a target position without links (ignored).
type guidedOp struct {
	opBase
	heads, head int
	weight      float64
}

// GuidedAlignment returns weight · mean over aligned target positions
// (b, t) of -Σ_s gold[b,t,s] · log probs[b*heads+head, t, s]; 0 when no
// row of gold has a link. Only probs is differentiated.
func GuidedAlignment(probs, gold *G.Node, heads, head int, weight float64) (*G.Node, error) {
	ps, gs := probs.Shape(), gold.Shape()
	switch {
	case heads < 1 || head < 0 || head >= heads:
		return nil, fmt.Errorf("guided alignment: head %d of %d heads", head, heads)
	case ps.Dims() != 3 || gs.Dims() != 3:
		return nil, fmt.Errorf("guided alignment: want probs (B*H, T, S) and gold (B, T, S), got %v and %v", ps, gs)
	case ps[0] != gs[0]*heads || ps[1] != gs[1] || ps[2] != gs[2]:
		return nil, fmt.Errorf("guided alignment: probs %v do not match gold %v with %d heads", ps, gs, heads)
	}
	return G.ApplyOp(&guidedOp{heads: heads, head: head, weight: weight}, probs, gold)
}

// GuidedAlignment is GuidedAlignment on the builder's graph.
func (b *Builder) GuidedAlignment(probs, gold *G.Node, heads, head int, weight float64) *G.Node {
	n, err := GuidedAlignment(probs, gold, heads, head, weight)
	return b.must("guided alignment", n, err)
}

func (op *guidedOp) Arity() int { return 2 }
func (op *guidedOp) Type() hm.Type {
	a := hm.TypeVariable('a')
	t := G.TensorType{Dims: 3, Of: a}
	return hm.NewFnType(t, t, a)
}
func (op *guidedOp) InferShape(...G.DimSizer) (tensor.Shape, error) { return tensor.ScalarShape(), nil }
func (op *guidedOp) String() string {
	return fmt.Sprintf("GuidedAlignment{heads=%d,head=%d,weight=%v}", op.heads, op.head, op.weight)
}
func (op *guidedOp) WriteHash(h hash.Hash) { writeHash(h, op) }
func (op *guidedOp) Hashcode() uint32      { return hashOf(op) }

func (op *guidedOp) Do(vals ...G.Value) (G.Value, error) {
	g := guidedGeometry(vals[1].Shape(), op.heads, op.head)
	return scalarLoss("guided alignment", vals,
		func(p, q []float32) (float64, error) { return guidedForward(p, q, g, op.weight), nil },
		func(p, q []float64) (float64, error) { return guidedForward(p, q, g, op.weight), nil })
}

// guidedGeom locates the guided head's rows: batch sentences, t × s
// matrices, the head's matrix of sentence b at block b*heads+head.
type guidedGeom struct{ batch, t, s, heads, head int }

// guidedGeometry returns the geometry of the given head of heads over a gold
// target of shape (B, T, S).
func guidedGeometry(gold tensor.Shape, heads, head int) guidedGeom {
	return guidedGeom{batch: gold[0], t: gold[1], s: gold[2], heads: heads, head: head}
}

// row returns the offsets of sentence b's row r in probs and in gold.
func (g guidedGeom) row(b, r int) (p, q int) {
	return ((b*g.heads+g.head)*g.t + r) * g.s, (b*g.t + r) * g.s
}

// alignedRows counts the rows of gold with some weight.
func alignedRows[T float](gold []T, s int) int {
	n := 0
	for off := 0; off < len(gold); off += s {
		for _, v := range gold[off : off+s] {
			if v != 0 {
				n++
				break
			}
		}
	}
	return n
}

func guidedForward[T float](probs, gold []T, g guidedGeom, weight float64) float64 {
	n := alignedRows(gold, g.s)
	if n == 0 {
		return 0
	}
	var total float64
	for b := range g.batch {
		for r := range g.t {
			p, q := g.row(b, r)
			for k, w := range gold[q : q+g.s] {
				if w != 0 {
					total -= float64(w) * math.Log(math.Max(float64(probs[p+k]), guidedMinProb))
				}
			}
		}
	}
	return weight * total / float64(n)
}

func (op *guidedOp) DiffWRT(int) []bool { return []bool{true, false} }

func (op *guidedOp) SymDiff(inputs G.Nodes, _, grad *G.Node) (G.Nodes, error) {
	return firstInputGrad(&guidedGradOp{heads: op.heads, head: op.head, weight: op.weight}, inputs, grad)
}

// guidedGradOp maps (probs, gold, dloss) to dprobs: -dloss · weight ·
// gold / (probs · aligned rows) in the guided head's rows where the
// probability is above guidedMinProb, 0 everywhere else.
type guidedGradOp struct {
	opBase
	heads, head int
	weight      float64
}

func (op *guidedGradOp) Arity() int { return 3 }
func (op *guidedGradOp) Type() hm.Type {
	a := hm.TypeVariable('a')
	t := G.TensorType{Dims: 3, Of: a}
	return hm.NewFnType(t, t, a, t)
}
func (op *guidedGradOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	return in[0].(tensor.Shape).Clone(), nil
}
func (op *guidedGradOp) String() string {
	return fmt.Sprintf("GuidedAlignmentGrad{heads=%d,head=%d,weight=%v}", op.heads, op.head, op.weight)
}
func (op *guidedGradOp) WriteHash(h hash.Hash) { writeHash(h, op) }
func (op *guidedGradOp) Hashcode() uint32      { return hashOf(op) }

func (op *guidedGradOp) Do(vals ...G.Value) (G.Value, error) {
	ts, dloss, err := lossGradInputs("guided alignment grad", vals)
	if err != nil {
		return nil, err
	}
	out := op.newOut(ts[0].Dtype(), ts[0].Shape(), true) // other heads and rows stay 0
	g := guidedGeometry(ts[1].Shape(), op.heads, op.head)
	switch out.Dtype() {
	case tensor.Float32:
		guidedBackward(out.Float32s(), ts[0].Float32s(), ts[1].Float32s(), g, op.weight*dloss)
	case tensor.Float64:
		guidedBackward(out.Float64s(), ts[0].Float64s(), ts[1].Float64s(), g, op.weight*dloss)
	default:
		return nil, fmt.Errorf("guided alignment grad: unsupported dtype %v", out.Dtype())
	}
	return out, nil
}

func guidedBackward[T float](dp, probs, gold []T, g guidedGeom, scale float64) {
	n := alignedRows(gold, g.s)
	if n == 0 {
		return
	}
	scale /= float64(n)
	for b := range g.batch {
		for r := range g.t {
			p, q := g.row(b, r)
			for k, w := range gold[q : q+g.s] {
				if x := float64(probs[p+k]); w != 0 && x > guidedMinProb {
					dp[p+k] = T(-scale * float64(w) / x)
				}
			}
		}
	}
}
