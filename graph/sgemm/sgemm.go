// Package sgemm is a single-threaded float32 matrix product (BLAS Sgemm,
// row-major) with an AVX2+FMA micro-kernel in Go assembly, and a BLAS
// Implementation that uses it in place of gonum's pure-Go Sgemm.
//
// The product is computed in blocks: op(B) is packed, kc rows by nc columns
// at a time, into zero-padded column panels nr = 16 wide (products of a few
// rows read B in place instead); the micro-kernel then accumulates mr×nr =
// 6×16 tiles of C in twelve YMM registers, reading op(A) where it is stored.
// alpha scales the accumulated tile once, when it is added into C. Tiles
// narrower than nr go through a small buffer.
//
// Results depend only on the shapes and values, never on timing: no
// goroutines, and a fixed summation order (k in blocks of kc, each block
// summed in order by one FMA chain per element of C).
//
// On CPUs without AVX2 and FMA, and on other architectures, Sgemm calls
// gonum's Sgemm.
package sgemm

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// Block sizes. mr and nr are fixed by the micro-kernel; kc bounds a B
// panel (kc·nr floats, 16 KiB) and the A sliver it meets (mr·kc) so they
// mostly sit in L1; kc·nc floats of packed B (256 KiB) sit in L2.
const (
	mr = 6
	nr = 16
	kc = 256
	nc = 256 // a multiple of nr
)

// useKernel selects the assembly path; tests switch it off to run the
// fallback.
var useKernel = hasKernel

// Kernel reports whether Sgemm uses the AVX2+FMA micro-kernel (false: it
// calls gonum's Sgemm).
func Kernel() bool { return useKernel }

// Sgemm computes C = alpha·op(A)·op(B) + beta·C for row-major matrices, with
// op(A) m×k, op(B) k×n and C m×n, exactly as blas.Float32's Sgemm: beta == 0
// overwrites C (NaNs in C do not propagate), alpha == 0 or k == 0 only
// scales C by beta, and invalid arguments panic with gonum's messages.
func Sgemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if !useKernel {
		gonum.Implementation{}.Sgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	aT, bT := check(tA, tB, m, n, k, a, lda, b, ldb, c, ldc)
	if m == 0 || n == 0 {
		return
	}
	if alpha == 0 || k == 0 {
		scale(m, n, beta, c, ldc)
		return
	}
	ws := getWorkspace()
	gemm(aT, bT, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, ws)
	putWorkspace(ws)
}

// SgemmStrided computes batch products C[i] = alpha·op(A[i])·op(B[i]) +
// beta·C[i] where matrix i of A starts at a[i*strideA], of B at b[i*strideB]
// and of C at c[i*strideC]; each product is as in Sgemm, and the matrices
// of C must not overlap. It is for the batched products of attention: the
// checks and the workspace are shared by the whole batch.
func SgemmStrided(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda, strideA int, b []float32, ldb, strideB int, beta float32, c []float32, ldc, strideC int, batch int) {
	if batch < 0 {
		panic("sgemm: batch < 0")
	}
	if strideA < 0 || strideB < 0 || strideC < 0 {
		panic("sgemm: negative stride")
	}
	if batch == 0 {
		return
	}
	// Check the last matrix of each operand against the slices' lengths.
	last := batch - 1
	check(tA, tB, m, n, k, a[min(last*strideA, len(a)):], lda, b[min(last*strideB, len(b)):], ldb, c[min(last*strideC, len(c)):], ldc)
	if m == 0 || n == 0 {
		return
	}
	if !useKernel {
		for i := range batch {
			gonum.Implementation{}.Sgemm(tA, tB, m, n, k, alpha, a[i*strideA:], lda, b[i*strideB:], ldb, beta, c[i*strideC:], ldc)
		}
		return
	}
	if alpha == 0 || k == 0 {
		for i := range batch {
			scale(m, n, beta, c[i*strideC:], ldc)
		}
		return
	}
	aT, bT := tA != blas.NoTrans, tB != blas.NoTrans
	ws := getWorkspace()
	for i := range batch {
		gemm(aT, bT, m, n, k, alpha, a[i*strideA:], lda, b[i*strideB:], ldb, beta, c[i*strideC:], ldc, ws)
	}
	putWorkspace(ws)
}

// check panics as gonum's Sgemm does on invalid arguments and returns
// whether A and B are transposed.
func check(tA, tB blas.Transpose, m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) (aT, bT bool) {
	switch tA {
	case blas.NoTrans, blas.Trans, blas.ConjTrans:
	default:
		panic("blas: illegal transpose")
	}
	switch tB {
	case blas.NoTrans, blas.Trans, blas.ConjTrans:
	default:
		panic("blas: illegal transpose")
	}
	switch {
	case m < 0:
		panic("blas: m < 0")
	case n < 0:
		panic("blas: n < 0")
	case k < 0:
		panic("blas: k < 0")
	}
	aT, bT = tA != blas.NoTrans, tB != blas.NoTrans
	if aT && lda < max(1, m) || !aT && lda < max(1, k) {
		panic("blas: bad leading dimension of A")
	}
	if bT && ldb < max(1, k) || !bT && ldb < max(1, n) {
		panic("blas: bad leading dimension of B")
	}
	if ldc < max(1, n) {
		panic("blas: bad leading dimension of C")
	}
	if m == 0 || n == 0 {
		return aT, bT
	}
	if aT && len(a) < (k-1)*lda+m || !aT && len(a) < (m-1)*lda+k {
		panic("blas: insufficient length of a")
	}
	if bT && len(b) < (n-1)*ldb+k || !bT && len(b) < (k-1)*ldb+n {
		panic("blas: insufficient length of b")
	}
	if len(c) < (m-1)*ldc+n {
		panic("blas: insufficient length of c")
	}
	return aT, bT
}

// scale sets C = beta·C, writing zeros when beta == 0.
func scale(m, n int, beta float32, c []float32, ldc int) {
	if beta == 1 {
		return
	}
	for i := range m {
		row := c[i*ldc : i*ldc+n]
		if beta == 0 {
			clear(row)
			continue
		}
		for j := range row {
			row[j] *= beta
		}
	}
}

// inPlace reports whether op(B) is read where it is stored rather than
// packed: only when B is not transposed, and either its rows are short (up
// to nc floats apart; longer strides make the rows of one panel collide in
// L1) or the product has few rows, so few slivers of A reuse each panel.
// Measured on Zen 3 at this project's shapes.
func inPlace(bT bool, m, ldb int) bool {
	return !bT && (ldb <= nc || m <= inPlaceRows)
}

// inPlaceRows is the number of rows up to which B is read in place at any
// stride.
const inPlaceRows = 4 * mr

// gemm is the blocked product on checked arguments with m, n, k > 0 and
// alpha != 0.
func gemm(aT, bT bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int, ws *workspace) {
	direct := inPlace(bT, m, ldb)
	for jc := 0; jc < n; jc += nc {
		ncb := min(nc, n-jc)
		for pc := 0; pc < k; pc += kc {
			kcb := min(kc, k-pc)
			bk := beta // the first k block applies beta, the others add
			if pc > 0 {
				bk = 1
			}
			if direct {
				if rem := ncb % nr; rem > 0 {
					jr := ncb - rem
					packPanel(ws.b[jr*kcb:], bT, b, ldb, pc, kcb, jc+jr, rem)
				}
			} else {
				for jr := 0; jr < ncb; jr += nr {
					packPanel(ws.b[jr*kcb:], bT, b, ldb, pc, kcb, jc+jr, min(nr, ncb-jr))
				}
			}
			for ic := 0; ic < m; ic += mr {
				// The sliver of A is read where it is stored; a short last
				// sliver repeats its last row (the kernel stores mrb rows).
				mrb := min(mr, m-ic)
				rs, cs := lda, 1
				if aT {
					rs, cs = 1, lda
				}
				ap := &a[ic*rs+pc*cs]
				o := rowOffsets(rs, mrb)
				for jr := 0; jr < ncb; jr += nr {
					nrb := min(nr, ncb-jr)
					if nrb < nr {
						kernel(kcb, ap, o[0], o[1], o[2], o[3], o[4], cs, &ws.b[jr*kcb], nr, &ws.c[0], nr, mrb, alpha, 0)
						merge(c[ic*ldc+jc+jr:], ldc, &ws.c, mrb, nrb, bk)
						continue
					}
					var bp *float32
					sb := nr
					if direct {
						bp, sb = &b[pc*ldb+jc+jr], ldb
					} else {
						bp = &ws.b[jr*kcb]
					}
					kernel(kcb, ap, o[0], o[1], o[2], o[3], o[4], cs, bp, sb, &c[ic*ldc+jc+jr], ldc, mrb, alpha, bk)
				}
			}
		}
	}
}

// rowOffsets returns the offsets of rows 1..mr-1 of a sliver whose rows are
// rs apart, repeating row rows-1 past the last row.
func rowOffsets(rs, rows int) (o [mr - 1]int) {
	for i := range o {
		o[i] = min(i+1, rows-1) * rs
	}
	return o
}

// merge adds the top-left mrb×nrb corner of an edge tile t into C, scaling
// C by beta first (beta == 0 overwrites).
func merge(c []float32, ldc int, t *[mr * nr]float32, mrb, nrb int, beta float32) {
	for i := range mrb {
		row, src := c[i*ldc:i*ldc+nrb], t[i*nr:i*nr+nrb]
		switch beta {
		case 0:
			copy(row, src)
		case 1:
			for j, v := range src {
				row[j] += v
			}
		default:
			for j, v := range src {
				row[j] = beta*row[j] + v
			}
		}
	}
}
