//go:build openblas

package graph

import (
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/netlib/blas/netlib"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// BLAS names the matrix-product library in use: OpenBLAS through cgo in
// builds tagged openblas (install libopenblas-dev; set
// OPENBLAS_NUM_THREADS=1, its own threads are slower at these sizes).
var BLAS = "openblas"

func init() {
	impl := netlib.Implementation{}
	blas32.Use(impl) // used by MatMul and Affine (gemm in matmul.go)
	tensor.Use(impl)
	G.Use(impl)
}
