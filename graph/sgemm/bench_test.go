package sgemm

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// benchShapes are the products of one training step of the tiny config
// (1024 tokens, d_model 64, d_ff 256, vocab ~700) and a small one.
var benchShapes = []struct {
	name    string
	tA, tB  blas.Transpose
	m, k, n int
}{
	{"proj", blas.NoTrans, blas.NoTrans, 1024, 64, 64},
	{"ff1", blas.NoTrans, blas.NoTrans, 1024, 64, 256},
	{"ff2", blas.NoTrans, blas.NoTrans, 1024, 256, 64},
	{"dW_proj", blas.Trans, blas.NoTrans, 64, 1024, 64},
	{"dW_ff1", blas.Trans, blas.NoTrans, 64, 1024, 256},
	{"dW_ff2", blas.Trans, blas.NoTrans, 256, 1024, 64},
	{"logits", blas.NoTrans, blas.Trans, 1024, 64, 700},
	{"dX_logits", blas.NoTrans, blas.NoTrans, 1024, 700, 64},
	{"dW_logits", blas.Trans, blas.NoTrans, 700, 1024, 64},
	{"small", blas.NoTrans, blas.NoTrans, 20, 16, 20},
}

// BenchmarkSgemm compares this package's Sgemm with gonum's at each shape;
// gflops is 2·m·n·k per call. gonum's Sgemm uses up to GOMAXPROCS
// goroutines for large products; ours uses one.
func BenchmarkSgemm(b *testing.B) {
	if !hasKernel {
		b.Skip("no AVX2+FMA")
	}
	for _, s := range benchShapes {
		rng := rand.New(rand.NewPCG(1, 1))
		a, bm, c := randSlice(rng, s.m*s.k), randSlice(rng, s.k*s.n), make([]float32, s.m*s.n)
		lda, ldb := s.k, s.n
		if s.tA != blas.NoTrans {
			lda = s.m
		}
		if s.tB != blas.NoTrans {
			ldb = s.k
		}
		flops := 2 * float64(s.m*s.n*s.k)
		for _, impl := range []struct {
			name string
			f    sgemmFunc
		}{{"ours", Sgemm}, {"gonum", gonum.Implementation{}.Sgemm}} {
			name := fmt.Sprintf("%s_%c%c_m%dk%dn%d/%s", s.name, s.tA, s.tB, s.m, s.k, s.n, impl.name)
			b.Run(name, func(b *testing.B) {
				for b.Loop() {
					impl.f(s.tA, s.tB, s.m, s.n, s.k, 1, a, lda, bm, ldb, 0, c, s.n)
				}
				b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "gflops")
			})
		}
	}
}

// BenchmarkStrided is attention's batched product at the tiny config
// (batch·heads 256, 16×16 by 16×16; m = n = k, so every leading dimension is
// 16): SgemmStrided against a loop of gonum's Sgemm.
func BenchmarkStrided(b *testing.B) {
	if !hasKernel {
		b.Skip("no AVX2+FMA")
	}
	const batch, m, n, k = 256, 16, 16, 16
	rng := rand.New(rand.NewPCG(1, 1))
	a, bm, c := randSlice(rng, batch*m*k), randSlice(rng, batch*k*n), make([]float32, batch*m*n)
	flops := 2 * float64(batch*m*n*k)
	for _, tr := range [][2]blas.Transpose{{blas.NoTrans, blas.NoTrans}, {blas.NoTrans, blas.Trans}, {blas.Trans, blas.NoTrans}} {
		tA, tB := tr[0], tr[1]
		b.Run(fmt.Sprintf("%c%c/ours", tA, tB), func(b *testing.B) {
			for b.Loop() {
				SgemmStrided(tA, tB, m, n, k, 1, a, k, m*k, bm, n, k*n, 0, c, n, m*n, batch)
			}
			b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "gflops")
		})
		b.Run(fmt.Sprintf("%c%c/gonum", tA, tB), func(b *testing.B) {
			for b.Loop() {
				for i := range batch {
					gonum.Implementation{}.Sgemm(tA, tB, m, n, k, 1, a[i*m*k:], k, bm[i*k*n:], n, 0, c[i*m*n:], n)
				}
			}
			b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "gflops")
		})
	}
}
