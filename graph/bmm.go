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

// bmmOp multiplies 3-D a and b batch by batch, optionally transposing the
// last two axes of either: C[g] = op(A[g])·op(B[g]). It replaces Gorgonia's
// BatchedMatMul for attention, whose per-batch tensor slicing costs far
// more than the arithmetic at head sizes of 8-32: float32 products take one
// strided GEMM call, float64 ones (gradient checks) one Dgemm per matrix.
type bmmOp struct {
	opBase
	transA, transB bool
}

// BMM returns the batched product of a and b with optional transposes.
func BMM(a, b *G.Node, transA, transB bool) (*G.Node, error) {
	as, bs := a.Shape(), b.Shape()
	if as.Dims() != 3 || bs.Dims() != 3 || as[0] != bs[0] {
		return nil, fmt.Errorf("bmm: want 3-D operands with one batch size, got %v and %v", as, bs)
	}
	op := &bmmOp{transA: transA, transB: transB}
	_, k1, _ := op.dims(as, bs)
	if k1 < 0 {
		return nil, fmt.Errorf("bmm: %v (trans %v) and %v (trans %v) do not multiply", as, transA, bs, transB)
	}
	return G.ApplyOp(op, a, b)
}

// dims returns m, k, n of the product, k < 0 when the inner sizes differ.
func (op *bmmOp) dims(as, bs tensor.Shape) (m, k, n int) {
	m, k = as[1], as[2]
	if op.transA {
		m, k = k, m
	}
	kb, n := bs[1], bs[2]
	if op.transB {
		kb, n = n, kb
	}
	if k != kb {
		return m, -1, n
	}
	return m, k, n
}

func (op *bmmOp) Arity() int    { return 2 }
func (op *bmmOp) Type() hm.Type { return sameType(2) }
func (op *bmmOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	as, bs := in[0].(tensor.Shape), in[1].(tensor.Shape)
	m, _, n := op.dims(as, bs)
	return tensor.Shape{as[0], m, n}, nil
}
func (op *bmmOp) String() string        { return fmt.Sprintf("BMM{%v,%v}", op.transA, op.transB) }
func (op *bmmOp) WriteHash(h hash.Hash) { writeHash(h, op) }
func (op *bmmOp) Hashcode() uint32      { return hashOf(op) }

func (op *bmmOp) Do(vals ...G.Value) (G.Value, error) {
	ts, err := tensorsOf("bmm", vals)
	if err != nil {
		return nil, err
	}
	as, bs := ts[0].Shape(), ts[1].Shape()
	m, k, n := op.dims(as, bs)
	if k < 0 {
		return nil, fmt.Errorf("bmm: %v and %v do not multiply", as, bs)
	}
	out := op.newOut(ts[0].Dtype(), tensor.Shape{as[0], m, n}, false) // GEMM with beta 0 overwrites
	g := bmmGeom{gemmGeom: gemmGeom{m: m, k: k, n: n, transA: op.transA, transB: op.transB}, batch: as[0]}
	switch out.Dtype() {
	case tensor.Float32:
		bmmFloat32(out.Float32s(), ts[0].Float32s(), ts[1].Float32s(), g)
	case tensor.Float64:
		bmmFloat64(out.Float64s(), ts[0].Float64s(), ts[1].Float64s(), g)
	default:
		return nil, fmt.Errorf("bmm: unsupported dtype %v", out.Dtype())
	}
	return out, nil
}

// bmmGeom is the geometry of each of batch products.
type bmmGeom struct {
	gemmGeom
	batch int
}

// bmmFloat32 computes c[g] = op(a[g])·op(b[g]) in float32 with one strided
// GEMM call (graph/sgemm: AVX2+FMA kernel, or gonum's Sgemm per matrix on
// other CPUs).
func bmmFloat32(c, a, b []float32, g bmmGeom) {
	tA, lda, tB, ldb := g.blasArgs()
	sgemm.SgemmStrided(tA, tB, g.m, g.n, g.k, 1, a, lda, g.m*g.k, b, ldb, g.k*g.n, 0, c, max(1, g.n), g.m*g.n, g.batch)
}

// bmmFloat64 computes c[g] = op(a[g])·op(b[g]) in float64, one Dgemm of the
// installed BLAS per matrix.
func bmmFloat64(c, a, b []float64, g bmmGeom) {
	tA, lda, tB, ldb := g.blasArgs()
	sa, sb, sc := g.m*g.k, g.k*g.n, g.m*g.n
	impl := blas64.Implementation()
	for i := 0; i < g.batch; i++ {
		impl.Dgemm(tA, tB, g.m, g.n, g.k, 1, a[i*sa:(i+1)*sa], lda, b[i*sb:(i+1)*sb], ldb, 0, c[i*sc:(i+1)*sc], max(1, g.n))
	}
}

func (op *bmmOp) DiffWRT(int) []bool { return []bool{true, true} }

// SymDiff: for C = A·B, dA = dC·Bᵀ and dB = Aᵀ·dC, with the transposes
// folded into the flags.
func (op *bmmOp) SymDiff(inputs G.Nodes, _, grad *G.Node) (G.Nodes, error) {
	a, b := inputs[0], inputs[1]
	var da, db *G.Node
	var err error
	if op.transA {
		da, err = BMM(b, grad, op.transB, true) // A stored (k, m): dA = op(B)·dCᵀ
	} else {
		da, err = BMM(grad, b, false, !op.transB)
	}
	if err != nil {
		return nil, err
	}
	if op.transB {
		db, err = BMM(grad, a, true, op.transA) // B stored (n,k): dB = dCᵀ·op(A)
	} else {
		db, err = BMM(a, grad, !op.transA, false)
	}
	if err != nil {
		return nil, err
	}
	return G.Nodes{da, db}, nil
}
