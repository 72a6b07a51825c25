package train

import (
	"math"
	"testing"
)

// TestTwoWorkersMatchOne checks that splitting each batch over two graphs
// gives the loss of the single-graph step (dropout off, so both see the
// same function) within float32 tolerance, over a few optimizer steps.
func TestTwoWorkersMatchOne(t *testing.T) {
	if testing.Short() {
		t.Skip("training runs skipped in -short mode")
	}
	dir := t.TempDir()
	losses := map[int]map[int]float64{}
	for _, workers := range []int{1, 2} {
		cfg := microConfig(t, dir+"/"+string(rune('0'+workers)))
		cfg.Model.Dropout = 0
		cfg.Train.Workers = workers
		res := runMicro(t, cfg, Options{Steps: 5})
		losses[workers] = readLosses(t, res.RunDir)
	}
	for step := 1; step <= 5; step++ {
		a, b := losses[1][step], losses[2][step]
		if math.Abs(a-b) > 1e-5*math.Abs(a) {
			t.Errorf("step %d: loss %v with two workers, %v with one", step, b, a)
		}
	}
}

func TestCombineGradsMatchesSerialReference(t *testing.T) {
	weights := [][2]float64{{0.5, 0.5}, {0.3, 0.7}, {1, 0}, {1.0 / 3, 2.0 / 3}}
	for _, tt := range spanTestShapes {
		for _, w := range weights {
			for _, procs := range testProcs {
				p0, p1 := randomParams(tt.lens, 11), randomParams(tt.lens, 12)
				want := randomParams(tt.lens, 11)
				for i, p := range want {
					for j, g := range p.Grad {
						p.Grad[j] = float32(w[0]*float64(g) + w[1]*float64(p1[i].Grad[j]))
					}
				}
				withProcs(procs, func() { combineGrads(p0, p1, w[0], w[1]) })
				for i := range p0 {
					if j, ok := sameBits(p0[i].Grad, want[i].Grad); !ok {
						t.Errorf("%s, weights %v, GOMAXPROCS %d: combined grad %s differs from the serial reference at %d", tt.name, w, procs, p0[i].Name, j)
					}
					if j, ok := sameBits(p1[i].Grad, make([]float32, len(p1[i].Grad))); !ok {
						t.Errorf("%s, weights %v, GOMAXPROCS %d: second worker's grad %s not zeroed at %d", tt.name, w, procs, p1[i].Name, j)
					}
				}
			}
		}
	}
}
