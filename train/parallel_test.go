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
