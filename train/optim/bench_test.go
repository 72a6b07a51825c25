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

// BenchmarkSerialPart times the work of a training step after the graphs
// have run, on the parameters of the tiny model: for two workers, the
// serial reference (combine, gradsFinite, norm, scaling and Adam, one pass
// each on one goroutine, as before they were split and fused); then, for
// one to four workers, what train's parallelStep and trainStep now call:
// CombineGrads (two workers or more), GradNorm and Update, then the zeroing
// of every worker's buffers (graphCache.zeroGrads). Each iteration first
// copies fresh gradients into every worker's buffers.
func BenchmarkSerialPart(b *testing.B) {
	lens := tinyModelLens()
	b.Run("serial reference", func(b *testing.B) {
		src, ws := workerParams(2, lens, 1), workerParams(2, lens, 1)
		p0, p1 := ws[0], ws[1]
		m, v := map[string][]float32{}, map[string][]float32{}
		for i := 0; b.Loop(); i++ {
			refillGrads(ws, src)
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
	for n := 1; n <= 4; n++ {
		b.Run(fmt.Sprintf("parallel, %d workers", n), func(b *testing.B) {
			src, ws := workerParams(n, lens, 1), workerParams(n, lens, 1)
			weights := make([]float64, n)
			for i := range weights {
				weights[i] = 1 / float64(n)
			}
			a := NewAdam(0.9, 0.98, 1e-9)
			for b.Loop() {
				refillGrads(ws, src)
				if n > 1 {
					if err := CombineGrads(ws, weights); err != nil {
						b.Fatal(err)
					}
				}
				norm := GradNorm(ws[0])
				if math.IsNaN(norm) || math.IsInf(norm, 0) {
					b.Fatal("non-finite gradients")
				}
				if err := a.Update(ws[0], 1e-3, ClipScale(norm, 1)); err != nil {
					b.Fatal(err)
				}
				for _, ps := range ws {
					for i := range ps {
						clear(ps[i].Grad)
					}
				}
			}
		})
	}
}

// refillGrads copies the gradients of src into those of ws, worker by
// worker.
func refillGrads(ws, src [][]Param) {
	for w := range ws {
		for i := range ws[w] {
			copy(ws[w][i].Grad, src[w][i].Grad)
		}
	}
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
