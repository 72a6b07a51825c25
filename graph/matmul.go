package graph

import (
	"fmt"
	"hash"

	"github.com/chewxy/hm"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// matMulOp is the 2-D product C = op(A)·op(B) with optional transposes,
// computed by one GEMM call on the data as stored. It replaces Gorgonia's Mul,
// whose backward pass transposes operand headers in place and copies the
// transposed matrix, and lets the tied output projection use the embedding
// (V, D) directly as Bᵀ.
type matMulOp struct {
	opBase
	transA, transB bool
}

// MatMul returns op(a)·op(b) for 2-D a and b: a stored (m, k), or (k, m) when
// transA; b stored (k, n), or (n, k) when transB.
func MatMul(a, b *G.Node, transA, transB bool) (*G.Node, error) {
	as, bs := a.Shape(), b.Shape()
	if as.Dims() != 2 || bs.Dims() != 2 {
		return nil, fmt.Errorf("matmul: want 2-D operands, got %v and %v", as, bs)
	}
	op := &matMulOp{transA: transA, transB: transB}
	if _, k, _ := op.dims(as, bs); k < 0 {
		return nil, fmt.Errorf("matmul: %v (trans %v) and %v (trans %v) do not multiply", as, transA, bs, transB)
	}
	return G.ApplyOp(op, a, b)
}

// dims returns m, k, n of the product, k < 0 when the inner sizes differ.
func (op *matMulOp) dims(as, bs tensor.Shape) (m, k, n int) {
	m, k = as[0], as[1]
	if op.transA {
		m, k = k, m
	}
	kb, n := bs[0], bs[1]
	if op.transB {
		kb, n = n, kb
	}
	if k != kb {
		return m, -1, n
	}
	return m, k, n
}

func (op *matMulOp) Arity() int    { return 2 }
func (op *matMulOp) Type() hm.Type { return sameType(2) }
func (op *matMulOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	m, _, n := op.dims(in[0].(tensor.Shape), in[1].(tensor.Shape))
	return tensor.Shape{m, n}, nil
}
func (op *matMulOp) String() string        { return fmt.Sprintf("MatMul{%v,%v}", op.transA, op.transB) }
func (op *matMulOp) WriteHash(h hash.Hash) { writeHash(h, op) }
func (op *matMulOp) Hashcode() uint32      { return hashOf(op) }

func (op *matMulOp) Do(vals ...G.Value) (G.Value, error) {
	ts, err := tensorsOf("matmul", vals)
	if err != nil {
		return nil, err
	}
	m, k, n := op.dims(ts[0].Shape(), ts[1].Shape())
	if k < 0 {
		return nil, fmt.Errorf("matmul: %v and %v do not multiply", ts[0].Shape(), ts[1].Shape())
	}
	out := op.newOut(ts[0].Dtype(), tensor.Shape{m, n}, false) // GEMM with beta 0 overwrites
	g := gemmGeom{m: m, k: k, n: n, transA: op.transA, transB: op.transB}
	if err := gemm(out, ts[0], ts[1], g, 0); err != nil {
		return nil, fmt.Errorf("matmul: %w", err)
	}
	return out, nil
}

func (op *matMulOp) DiffWRT(int) []bool { return []bool{true, true} }

// SymDiff: for C = A·B, dA = dC·Bᵀ and dB = Aᵀ·dC, with the transposes
// folded into the flags (as for BMM).
func (op *matMulOp) SymDiff(inputs G.Nodes, _, grad *G.Node) (G.Nodes, error) {
	a, b := inputs[0], inputs[1]
	var da, db *G.Node
	var err error
	if op.transA {
		da, err = MatMul(b, grad, op.transB, true) // A stored (k, m): dA = op(B)·dCᵀ
	} else {
		da, err = MatMul(grad, b, false, !op.transB)
	}
	if err != nil {
		return nil, err
	}
	if op.transB {
		db, err = MatMul(grad, a, true, op.transA) // B stored (n, k): dB = dCᵀ·op(A)
	} else {
		db, err = MatMul(a, grad, !op.transA, false)
	}
	if err != nil {
		return nil, err
	}
	return G.Nodes{da, db}, nil
}

// gemmGeom is the geometry of one product op(A) (m, k) · op(B) (k, n).
type gemmGeom struct {
	m, k, n        int
	transA, transB bool
}

// blasArgs returns the BLAS transpose flags and leading dimensions of
// row-major operands stored as the geometry says (at least 1, as BLAS
// requires even for empty matrices).
func (g gemmGeom) blasArgs() (tA blas.Transpose, lda int, tB blas.Transpose, ldb int) {
	tA, lda = blas.NoTrans, g.k
	if g.transA {
		tA, lda = blas.Trans, g.m
	}
	tB, ldb = blas.NoTrans, g.n
	if g.transB {
		tB, ldb = blas.Trans, g.k
	}
	return tA, max(1, lda), tB, max(1, ldb)
}

// gemm computes c = op(a)·op(b) + beta·c with the BLAS installed for the
// dtype (blas32/blas64.Use; see blas_*.go): row-major, no copies.
func gemm(c, a, b *tensor.Dense, g gemmGeom, beta float64) error {
	if g.m == 0 || g.n == 0 {
		return nil // BLAS would reject ldc = n = 0; k = 0 it handles (c = beta·c)
	}
	tA, lda, tB, ldb := g.blasArgs()
	switch c.Dtype() {
	case tensor.Float32:
		blas32.Implementation().Sgemm(tA, tB, g.m, g.n, g.k, 1, a.Float32s(), lda, b.Float32s(), ldb, float32(beta), c.Float32s(), g.n)
	case tensor.Float64:
		blas64.Implementation().Dgemm(tA, tB, g.m, g.n, g.k, 1, a.Float64s(), lda, b.Float64s(), ldb, beta, c.Float64s(), g.n)
	default:
		return fmt.Errorf("unsupported dtype %v", c.Dtype())
	}
	return nil
}
