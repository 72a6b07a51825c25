package graph

import (
	"fmt"
	"hash"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/seq2seq/transformer/graph/sgemm"
)

// bmmOp multiplies 3-D a and b batch by batch, optionally transposing the
// last two axes of either: C[g] = op(A[g])·op(B[g]). It replaces Gorgonia's
// BatchedMatMul for attention, whose per-batch slicing and BLAS calls cost
// far more than the arithmetic at head sizes of 8-32.
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
	out := op.newOut(ts[0].Dtype(), tensor.Shape{as[0], m, n}, true) // the kernel accumulates
	g := bmmGeom{batch: as[0], m: m, k: k, n: n, transA: op.transA, transB: op.transB}
	switch out.Dtype() {
	case tensor.Float32:
		bmmFloat32(out.Float32s(), ts[0].Float32s(), ts[1].Float32s(), g)
	case tensor.Float64:
		bmmKernel(out.Float64s(), ts[0].Float64s(), ts[1].Float64s(), g)
	default:
		return nil, fmt.Errorf("bmm: unsupported dtype %v", out.Dtype())
	}
	return out, nil
}

type bmmGeom struct {
	batch, m, k, n int
	transA, transB bool
}

// bmmFloat32 computes c[g] = op(a[g])·op(b[g]) in float32 with one strided
// GEMM call (graph/sgemm: AVX2+FMA kernel, or gonum's Sgemm per matrix on
// other CPUs).
func bmmFloat32(c, a, b []float32, g bmmGeom) {
	tA, lda, tB, ldb := gemmGeom{m: g.m, k: g.k, n: g.n, transA: g.transA, transB: g.transB}.blasArgs()
	sgemm.SgemmStrided(tA, tB, g.m, g.n, g.k, 1, a, lda, g.m*g.k, b, ldb, g.k*g.n, 0, c, max(1, g.n), g.m*g.n, g.batch)
}

// bmmKernel computes c[g] = op(a[g])·op(b[g]) with plain loops ordered so
// the innermost loop runs over contiguous memory where possible.
func bmmKernel[T float](c, a, b []T, g bmmGeom) {
	sa, sb, sc := g.m*g.k, g.k*g.n, g.m*g.n
	for bi := 0; bi < g.batch; bi++ {
		A, B, C := a[bi*sa:(bi+1)*sa], b[bi*sb:(bi+1)*sb], c[bi*sc:(bi+1)*sc]
		if g.transB && !g.transA {
			bmmDots(C, A, B, g)
			continue
		}
		for i := 0; i < g.m; i++ {
			crow := C[i*g.n : (i+1)*g.n]
			for p := 0; p < g.k; p++ {
				var av T
				if g.transA {
					av = A[p*g.m+i] // A stored (k, m)
				} else {
					av = A[i*g.k+p] // A stored (m, k)
				}
				if av == 0 {
					continue
				}
				if g.transB {
					for j := range crow {
						crow[j] += av * B[j*g.k+p] // B stored (n, k)
					}
				} else {
					brow := B[p*g.n : (p+1)*g.n] // B stored (k, n)
					for j, bv := range brow {
						crow[j] += av * bv
					}
				}
			}
		}
	}
}

// bmmDots computes one product C = A·Bᵀ with A stored (m, k) and B stored
// (n, k) as dot products of contiguous rows.
func bmmDots[T float](C, A, B []T, g bmmGeom) {
	for i := 0; i < g.m; i++ {
		arow := A[i*g.k : (i+1)*g.k]
		crow := C[i*g.n : (i+1)*g.n]
		for j := range crow {
			brow := B[j*g.k : (j+1)*g.k]
			var s T
			for p, av := range arow {
				s += av * brow[p]
			}
			crow[j] = s
		}
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
