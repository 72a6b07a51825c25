//go:build openblas

package graph

import (
	"gonum.org/v1/netlib/blas/netlib"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// BLAS names the matrix-product library in use: OpenBLAS through cgo in
// builds tagged openblas (install libopenblas-dev; set
// OPENBLAS_NUM_THREADS=1, its own threads are slower at these sizes).
const BLAS = "openblas"

func init() {
	impl := netlib.Implementation{}
	tensor.Use(impl)
	G.Use(impl)
}
