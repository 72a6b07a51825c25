package optim

import (
	"fmt"
	"math"
	"testing"
)

// tinyModelLens are the parameter lengths of the model of configs/tiny.yaml
// (269,120 values), in no particular order.
func tinyModelLens() []int {
	lens := []int{13952, 21440, 64, 64, 64, 64} // embeddings, final norms
	for range 2 {
		lens = append(lens, 16384, 256, 16384, 64, 64, 64, 64, 64) // encoder: ff, norms
		for range 4 {
			lens = append(lens, 4096, 64) // self-attention
		}
	}
	for range 2 {
		lens = append(lens, 16384, 256, 16384, 64, 64, 64, 64, 64, 64, 64) // decoder: ff, norms
		for range 8 {
			lens = append(lens, 4096, 64) // self- and cross-attention
		}
	}
	return lens
}

// BenchmarkSerialPart times the work of a two-worker training step after
// the graphs have run, on the parameters of the tiny model: the serial
// reference (combine, gradsFinite, norm, scaling and Adam, one pass each on
// one goroutine, as before they were split and fused) against what
// train's parallelStep and trainStep now call: CombineGrads, GradNorm and
// Update, then the zeroing of both workers' buffers (graphCache.zeroGrads).
func BenchmarkSerialPart(b *testing.B) {
	lens := tinyModelLens()
	src0, src1 := randomParams(lens, 1), randomParams(lens, 2)
	p0, p1 := randomParams(lens, 1), randomParams(lens, 2)
	refill := func() {
		for i := range p0 {
			copy(p0[i].Grad, src0[i].Grad)
			copy(p1[i].Grad, src1[i].Grad)
		}
	}
	b.Run("serial reference", func(b *testing.B) {
		m, v := map[string][]float32{}, map[string][]float32{}
		for i := 0; b.Loop(); i++ {
			refill()
			for k := range p0 {
				g0, g1 := p0[k].Grad, p1[k].Grad
				for j := range g0 {
					g0[j] = float32(0.4*float64(g0[j]) + 0.6*float64(g1[j]))
				}
				clear(g1)
			}
			if !gradsFinite(p0) {
				b.Fatal("non-finite gradients")
			}
			refClip(p0, 1)
			refAdamStep(p0, m, v, i+1, 0.9, 0.98, 1e-9, 1e-3)
		}
	})
	b.Run("parallel", func(b *testing.B) {
		a := NewAdam(0.9, 0.98, 1e-9)
		for b.Loop() {
			refill()
			if err := CombineGrads([][]Param{p0, p1}, []float64{0.4, 0.6}); err != nil {
				b.Fatal(err)
			}
			norm := GradNorm(p0)
			if math.IsNaN(norm) || math.IsInf(norm, 0) {
				b.Fatal("non-finite gradients")
			}
			if err := a.Update(p0, 1e-3, ClipScale(norm, 1)); err != nil {
				b.Fatal(err)
			}
			for i := range p0 {
				clear(p0[i].Grad)
				clear(p1[i].Grad)
			}
		}
	})
}

// BenchmarkCombineGrads times CombineGrads on the gradients of the tiny
// model for two to four workers.
func BenchmarkCombineGrads(b *testing.B) {
	lens := tinyModelLens()
	for _, n := range []int{2, 3, 4} {
		ws := workerParams(n, lens, 1)
		w := make([]float64, n)
		for i := range w {
			w[i] = 1 / float64(n)
		}
		b.Run(fmt.Sprintf("%d workers", n), func(b *testing.B) {
			for b.Loop() {
				if err := CombineGrads(ws, w); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
