package vec

import (
	"math"
	"math/rand/v2"
	"testing"
)

// Benchmarks at the size of one feed-forward activation of the tiny config
// (1024 tokens × 256) against the scalar Go code.
const benchN = 1024 * 256

func BenchmarkReLUMul(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 1))
	out, x, a, m := make([]float32, benchN), randSlice(r, benchN, 1), randSlice(r, benchN, 1), randSlice(r, benchN, 1)
	b.Run("kernel", func(b *testing.B) {
		b.SetBytes(benchN * 4)
		for i := 0; i < b.N; i++ {
			ReLUMul(out, x, a, m)
		}
	})
	b.Run("go", func(b *testing.B) {
		b.SetBytes(benchN * 4)
		for i := 0; i < b.N; i++ {
			reluMulGo(out, x, a, m)
		}
	})
}

func BenchmarkExpSum(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 1))
	out, x := make([]float32, benchN), randSlice(r, benchN, 10)
	b.Run("kernel", func(b *testing.B) {
		b.SetBytes(benchN * 4)
		for i := 0; i < b.N; i++ {
			ExpSum(out, x, 10)
		}
	})
	b.Run("math.Exp", func(b *testing.B) {
		b.SetBytes(benchN * 4)
		for i := 0; i < b.N; i++ {
			var s float32
			for j, v := range x {
				e := float32(math.Exp(float64(v - 10)))
				out[j] = e
				s += e
			}
		}
	})
}
