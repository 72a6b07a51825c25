package sgemm

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// Implementation is gonum's BLAS with Sgemm replaced by this package's. It
// satisfies the BLAS interfaces of gorgonia (gorgonia.Use), of tensor
// (tensor.Use) and gonum's blas32.Use.
type Implementation struct {
	gonum.Implementation
}

// Sgemm computes C = alpha·op(A)·op(B) + beta·C; see the package function.
func (Implementation) Sgemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	Sgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}
