package infer

import (
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"

	"github.com/seq2seq/transformer/graph"
	"github.com/seq2seq/transformer/graph/vec"
	"github.com/seq2seq/transformer/layers"
)

// The kernels below repeat graph's arithmetic operation for operation: the
// same GEMM calls (graph.Affine and graph.MatMul use the installed
// blas32/blas64 implementation), the same layer norm kernel (vec) and the
// same masked softmax row (graph.SoftmaxRow).

// gemm computes c = a·op(b) + beta·c for row-major a (m, k) and b stored
// (k, n), or (n, k) when transB.
func gemm[T Float](transB bool, m, n, k int, a, b []T, beta T, c []T) {
	tB, ldb := blas.NoTrans, n
	if transB {
		tB, ldb = blas.Trans, k
	}
	switch a := any(a).(type) {
	case []float32:
		blas32.Implementation().Sgemm(blas.NoTrans, tB, m, n, k, 1, a, k, any(b).([]float32), ldb, float32(beta), any(c).([]float32), n)
	case []float64:
		blas64.Implementation().Dgemm(blas.NoTrans, tB, m, n, k, 1, a, k, any(b).([]float64), ldb, float64(beta), any(c).([]float64), n)
	}
}

// forward writes y = x·w + b for the n rows of x, as graph.Affine: the bias
// first, the product accumulated onto it.
func (l *linear[T]) forward(y, x []T, n int) {
	y = y[:n*l.out]
	for i := 0; i < n; i++ {
		copy(y[i*l.out:(i+1)*l.out], l.b)
	}
	gemm(false, n, l.out, l.in, x[:n*l.in], l.w, 1, y)
}

// forward writes the layer norm of every row of x into out, with graph's
// kernel.
func (nm *norm[T]) forward(out, x []T) {
	vec.LayerNorm(out, x, nm.gamma, nm.beta, len(nm.gamma), layers.LayerNormEps)
}

// addTo adds x into y elementwise.
func addTo[T Float](y, x []T) {
	x = x[:len(y)]
	for i, v := range x {
		y[i] += v
	}
}

// relu clamps negative values of x to zero in place.
func relu[T Float](x []T) {
	for i, v := range x {
		if v < 0 {
			x[i] = 0
		}
	}
}

// attend writes into ctx (dh) one head's attention from query q (dh) to n
// keys and values: key j at keys[j*ld:], value j at vals[j*ld:], under the
// additive mask (0 or -Inf per key; nil: none), through graph.SoftmaxRow.
// scores (at least n) is scratch. A query with every key hidden gets a zero context.
func attend[T Float](ctx, q, keys, vals []T, ld, n int, mask []T, scale T, scores []T) {
	dh := len(q)
	s := scores[:n]
	// q·kᵀ, each dot product summed in order; four keys at a time to overlap
	// their addition chains. (The graph computes these products with GEMM,
	// whose order and FMA rounding may differ in the last bits: the tests
	// compare logits within 1e-5 in float32 and 1e-9 in float64.)
	j := 0
	for ; j+4 <= n; j += 4 {
		k0 := keys[j*ld : j*ld+dh]
		k1 := keys[(j+1)*ld : (j+1)*ld+dh]
		k2 := keys[(j+2)*ld : (j+2)*ld+dh]
		k3 := keys[(j+3)*ld : (j+3)*ld+dh]
		var d0, d1, d2, d3 T
		for p, a := range q {
			d0 += a * k0[p]
			d1 += a * k1[p]
			d2 += a * k2[p]
			d3 += a * k3[p]
		}
		s[j], s[j+1], s[j+2], s[j+3] = d0, d1, d2, d3
	}
	for ; j < n; j++ {
		krow := keys[j*ld : j*ld+dh]
		var dot T
		for p, a := range q {
			dot += a * krow[p]
		}
		s[j] = dot
	}
	graph.SoftmaxRow(s, s, mask, scale)
	clear(ctx)
	ctx = ctx[:dh]
	for j, p := range s { // probs·v
		if p == 0 {
			continue
		}
		vrow := vals[j*ld : j*ld+dh]
		for i, v := range vrow {
			ctx[i] += p * v
		}
	}
}

// LogSoftmax writes log(softmax(row)) into dst, computed in float64.
func LogSoftmax[T Float](dst []float64, row []T) {
	mx := math.Inf(-1)
	for _, x := range row {
		mx = math.Max(mx, float64(x))
	}
	var z float64
	for _, x := range row {
		z += math.Exp(float64(x) - mx)
	}
	lse := mx + math.Log(z)
	for j, x := range row {
		dst[j] = float64(x) - lse
	}
}

// grow returns buf resliced to n elements, reallocated when too small.
// The contents are not preserved.
func grow[T Float](buf []T, n int) []T {
	if cap(buf) < n {
		return make([]T, n, n+n/4)
	}
	return buf[:n]
}
