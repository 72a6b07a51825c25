//go:build !openblas

package graph

import (
	"os"

	"gonum.org/v1/gonum/blas/blas32"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/seq2seq/transformer/graph/sgemm"
)

// BLAS names the matrix-product library in use: by default gonum's pure-Go
// BLAS with float32 products by graph/sgemm's AVX2+FMA kernel ("gonum+avx2"),
// or plain gonum ("gonum") on CPUs without AVX2 and FMA or when the
// environment sets TRANSFORMER_BLAS=gonum (for comparisons). Build with
// -tags openblas for OpenBLAS.
var BLAS = "gonum"

func init() {
	if !sgemm.Kernel() || os.Getenv("TRANSFORMER_BLAS") == "gonum" {
		return
	}
	BLAS = "gonum+avx2"
	impl := sgemm.Implementation{}
	blas32.Use(impl) // used by MatMul and Affine (gemm in matmul.go)
	tensor.Use(impl)
	G.Use(impl)
}
