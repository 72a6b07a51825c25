package graph

import (
	"fmt"
	"hash"

	"github.com/chewxy/hm"
	"gonum.org/v1/gonum/blas/blas64"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/seq2seq/transformer/graph/sgemm"
)

// bmmOp multiplies matrix by matrix over a batch of B×H pairs, optionally
// transposing either: C[b,h] = op(A[b,h])·op(B[b,h]). Each operand is
// stored one of two ways:
//
//   - batched: (B*H, r, c), matrix (b, h) the contiguous block b*H+h;
//   - activation layout ("rows"): (B*r, H*c), matrix (b, h) rows b*r.. and
//     columns h*c.. of a row-major matrix: the attention heads of a (B*T,
//     D) activation, read and written in place without a permuting copy.
//
// Plain BMM has every operand batched with H = 1. It replaces Gorgonia's
// BatchedMatMul for attention, whose per-batch tensor slicing costs far
// more than the arithmetic at head sizes of 8-32: float32 products go
// through strided GEMM calls, float64 ones (gradient checks) one Dgemm per
// matrix.
type bmmOp struct {
	opBase
	transA, transB bool
	batch, heads   int
	rows           [3]bool // A, B, C in the activation layout
}

// BMM returns the batched product of 3-D a and b with optional transposes.
func BMM(a, b *G.Node, transA, transB bool) (*G.Node, error) {
	if a.Shape().Dims() != 3 {
		return nil, fmt.Errorf("bmm: want 3-D operands with one batch size, got %v and %v", a.Shape(), b.Shape())
	}
	return applyBMM(&bmmOp{transA: transA, transB: transB, batch: a.Shape()[0], heads: 1}, a, b)
}

// HeadScores returns Q·Kᵀ per sentence and head, (B*H, Tq, Tk), for q
// (B*Tq, D) and k (B*Tk, D) whose head h is columns h*D/H.. of each row.
func HeadScores(q, k *G.Node, batch, heads int) (*G.Node, error) {
	return applyBMM(&bmmOp{transB: true, batch: batch, heads: heads, rows: [3]bool{true, true, false}}, q, k)
}

// HeadContext returns P·V per sentence and head written back into the
// activation layout, (B*Tq, D), for p (B*H, Tq, Tk) and v (B*Tk, D).
func HeadContext(p, v *G.Node, batch, heads int) (*G.Node, error) {
	return applyBMM(&bmmOp{batch: batch, heads: heads, rows: [3]bool{false, true, true}}, p, v)
}

func applyBMM(op *bmmOp, a, b *G.Node) (*G.Node, error) {
	if _, err := op.geometry(a.Shape(), b.Shape()); err != nil {
		return nil, err
	}
	return G.ApplyOp(op, a, b)
}

// operand is where the matrices of one operand live: r×c matrices with
// leading dimension ld, matrix (b, h) at b*sb + h*sh.
type operand struct{ r, c, ld, sb, sh int }

// operandOf reads an operand's matrices from its shape and layout.
func (op *bmmOp) operandOf(s tensor.Shape, rows bool) (operand, error) {
	B, H := op.batch, op.heads
	if rows {
		if s.Dims() != 2 || B <= 0 || H <= 0 || s[0]%B != 0 || s[1]%H != 0 {
			return operand{}, fmt.Errorf("%v is not (%d*T, %d*c)", s, B, H)
		}
		r, c := s[0]/B, s[1]/H
		return operand{r: r, c: c, ld: s[1], sb: r * s[1], sh: c}, nil
	}
	if s.Dims() != 3 || s[0] != B*H {
		return operand{}, fmt.Errorf("%v is not (%d*%d, r, c)", s, B, H)
	}
	return operand{r: s[1], c: s[2], ld: s[2], sb: H * s[1] * s[2], sh: s[1] * s[2]}, nil
}

// bmmGeometry is the layout of one product: the operands and m, k, n.
type bmmGeometry struct {
	a, b, c operand
	gemmGeom
}

// geometry checks the operands' shapes and returns the product's layout.
func (op *bmmOp) geometry(as, bs tensor.Shape) (bmmGeometry, error) {
	a, err := op.operandOf(as, op.rows[0])
	if err != nil {
		return bmmGeometry{}, fmt.Errorf("bmm: first operand: %w", err)
	}
	b, err := op.operandOf(bs, op.rows[1])
	if err != nil {
		return bmmGeometry{}, fmt.Errorf("bmm: second operand: %w", err)
	}
	m, k := a.r, a.c
	if op.transA {
		m, k = k, m
	}
	kb, n := b.r, b.c
	if op.transB {
		kb, n = n, kb
	}
	if k != kb {
		return bmmGeometry{}, fmt.Errorf("bmm: %v (trans %v) and %v (trans %v) do not multiply", as, op.transA, bs, op.transB)
	}
	g := bmmGeometry{a: a, b: b, gemmGeom: gemmGeom{m: m, k: k, n: n, transA: op.transA, transB: op.transB}}
	if op.rows[2] {
		g.c = operand{r: m, c: n, ld: op.heads * n, sb: m * op.heads * n, sh: n}
	} else {
		g.c = operand{r: m, c: n, ld: n, sb: op.heads * m * n, sh: m * n}
	}
	return g, nil
}

// outShape is the shape of C.
func (op *bmmOp) outShape(g bmmGeometry) tensor.Shape {
	if op.rows[2] {
		return tensor.Shape{op.batch * g.m, op.heads * g.n}
	}
	return tensor.Shape{op.batch * op.heads, g.m, g.n}
}

func dimsOf(rows bool) int {
	if rows {
		return 2
	}
	return 3
}

func (op *bmmOp) Arity() int { return 2 }
func (op *bmmOp) Type() hm.Type {
	a := hm.TypeVariable('a')
	t := func(i int) G.TensorType { return G.TensorType{Dims: dimsOf(op.rows[i]), Of: a} }
	return hm.NewFnType(t(0), t(1), t(2))
}
func (op *bmmOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	g, err := op.geometry(in[0].(tensor.Shape), in[1].(tensor.Shape))
	if err != nil {
		return nil, err
	}
	return op.outShape(g), nil
}
func (op *bmmOp) String() string {
	if op.heads == 1 && op.rows == [3]bool{} {
		return fmt.Sprintf("BMM{%v,%v}", op.transA, op.transB)
	}
	return fmt.Sprintf("HeadBMM{%v,%v,B=%d,H=%d,rows=%v}", op.transA, op.transB, op.batch, op.heads, op.rows)
}
func (op *bmmOp) WriteHash(h hash.Hash) { writeHash(h, op) }
func (op *bmmOp) Hashcode() uint32      { return hashOf(op) }

func (op *bmmOp) Do(vals ...G.Value) (G.Value, error) {
	ts, err := tensorsOf("bmm", vals)
	if err != nil {
		return nil, err
	}
	g, err := op.geometry(ts[0].Shape(), ts[1].Shape())
	if err != nil {
		return nil, err
	}
	out := op.newOut(ts[0].Dtype(), op.outShape(g), false) // GEMMs with beta 0 overwrite every matrix, which tile C
	switch out.Dtype() {
	case tensor.Float32:
		op.float32(out.Float32s(), ts[0].Float32s(), ts[1].Float32s(), g)
	case tensor.Float64:
		op.float64(out.Float64s(), ts[0].Float64s(), ts[1].Float64s(), g)
	default:
		return nil, fmt.Errorf("bmm: unsupported dtype %v", out.Dtype())
	}
	return out, nil
}

// float32 computes the products in float32 with strided GEMM calls
// (graph/sgemm: AVX2+FMA kernel, or gonum's Sgemm per matrix on other
// CPUs): one call for the whole batch when every operand is batched, else
// one per sentence over its heads.
func (op *bmmOp) float32(c, a, b []float32, g bmmGeometry) {
	tA, _, tB, _ := g.blasArgs()
	if op.rows == [3]bool{} {
		sgemm.SgemmStrided(tA, tB, g.m, g.n, g.k, 1, a, max(1, g.a.ld), g.a.sh, b, max(1, g.b.ld), g.b.sh, 0, c, max(1, g.c.ld), g.c.sh, op.batch*op.heads)
		return
	}
	for s := 0; s < op.batch; s++ {
		sgemm.SgemmStrided(tA, tB, g.m, g.n, g.k, 1, a[s*g.a.sb:], max(1, g.a.ld), g.a.sh, b[s*g.b.sb:], max(1, g.b.ld), g.b.sh,
			0, c[s*g.c.sb:], max(1, g.c.ld), g.c.sh, op.heads)
	}
}

// float64 computes the products in float64, one Dgemm of the installed
// BLAS per matrix.
func (op *bmmOp) float64(c, a, b []float64, g bmmGeometry) {
	tA, _, tB, _ := g.blasArgs()
	impl := blas64.Implementation()
	for s := 0; s < op.batch; s++ {
		for h := 0; h < op.heads; h++ {
			at := func(o operand) int { return s*o.sb + h*o.sh }
			impl.Dgemm(tA, tB, g.m, g.n, g.k, 1, a[at(g.a):], max(1, g.a.ld), b[at(g.b):], max(1, g.b.ld), 0, c[at(g.c):], max(1, g.c.ld))
		}
	}
}

func (op *bmmOp) DiffWRT(int) []bool { return []bool{true, true} }

// SymDiff: for C = A·B, dA = dC·Bᵀ and dB = Aᵀ·dC, with the transposes
// folded into the flags; each gradient has its operand's layout.
func (op *bmmOp) SymDiff(inputs G.Nodes, _, grad *G.Node) (G.Nodes, error) {
	a, b := inputs[0], inputs[1]
	ra, rb, rc := op.rows[0], op.rows[1], op.rows[2]
	grad2 := func(x, y *G.Node, tx, ty, rx, ry, rout bool) (*G.Node, error) {
		return applyBMM(&bmmOp{transA: tx, transB: ty, batch: op.batch, heads: op.heads, rows: [3]bool{rx, ry, rout}}, x, y)
	}
	var da, db *G.Node
	var err error
	if op.transA {
		da, err = grad2(b, grad, op.transB, true, rb, rc, ra) // A stored (k, m): dA = op(B)·dCᵀ
	} else {
		da, err = grad2(grad, b, false, !op.transB, rc, rb, ra)
	}
	if err != nil {
		return nil, err
	}
	if op.transB {
		db, err = grad2(grad, a, true, op.transA, rc, ra, rb) // B stored (n, k): dB = dCᵀ·op(A)
	} else {
		db, err = grad2(a, grad, !op.transA, false, ra, rc, rb)
	}
	if err != nil {
		return nil, err
	}
	return G.Nodes{da, db}, nil
}
