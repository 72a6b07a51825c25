package optim

import "fmt"

// CombineGrads sets every gradient of the first worker, workers[0], to the
// weighted sum of the gradients at the same place of all workers,
//
//	g = weights[0]*g0 + weights[1]*g1 + ... + weights[n-1]*g(n-1)
//
// computed in float64 in worker order (each product rounded to float64
// before it is added, so that no fused multiply-add changes the result) and
// rounded to float32 once. The other workers' gradients are left as they
// were. Every worker lists the same parameters in the same order. The work
// is split over goroutines by span (see forSpans); each element's sum is
// the same whatever the split, so the result depends only on the inputs
// and their order. It returns an error, changing nothing, when there is no
// worker, the weights do not match the workers, or a worker's parameters
// differ in number or length from the first's.
func CombineGrads(workers [][]Param, weights []float64) error {
	if err := checkCombine(workers, weights); err != nil {
		return err
	}
	ss := gradSpans(workers[0])
	forSpans(ss, func(k int) { combineSpan(workers, weights, ss[k]) })
	return nil
}

// combineSpan is CombineGrads on the elements of span s. One worker is
// only scaled and two are summed in one pass; more are summed pair by pair
// into a float64 buffer, in the same order element by element.
func combineSpan(workers [][]Param, weights []float64, s span) {
	g0 := workers[0][s.param].Grad[s.lo:s.hi]
	w0 := weights[0]
	if len(workers) == 1 {
		for j, x := range g0 {
			g0[j] = float32(w0 * float64(x))
		}
		return
	}
	g1, w1 := workers[1][s.param].Grad[s.lo:s.hi], weights[1]
	g1 = g1[:len(g0)]
	if len(workers) == 2 {
		for j, x := range g0 {
			g0[j] = float32(w0*float64(x) + float64(w1*float64(g1[j])))
		}
		return
	}
	var buf [gradChunk]float64
	acc := buf[:len(g0)]
	for j, x := range g0 {
		acc[j] = w0*float64(x) + float64(w1*float64(g1[j]))
	}
	for i := 2; i < len(workers); i++ {
		gi, wi := workers[i][s.param].Grad[s.lo:s.hi], weights[i]
		gi = gi[:len(acc)]
		for j, x := range gi {
			acc[j] += float64(wi * float64(x))
		}
	}
	for j, x := range acc {
		g0[j] = float32(x)
	}
}

// checkCombine reports the first reason CombineGrads could not combine
// workers with weights.
func checkCombine(workers [][]Param, weights []float64) error {
	if len(workers) == 0 || len(weights) != len(workers) {
		return fmt.Errorf("combine gradients: %d workers, %d weights", len(workers), len(weights))
	}
	for i, ps := range workers[1:] {
		if len(ps) != len(workers[0]) {
			return fmt.Errorf("combine gradients: worker %d has %d parameters, worker 0 %d", i+1, len(ps), len(workers[0]))
		}
		for k, p := range ps {
			if len(p.Grad) != len(workers[0][k].Grad) {
				return fmt.Errorf("combine gradients: worker %d's %s has %d gradients, worker 0's %d", i+1, p.Name, len(p.Grad), len(workers[0][k].Grad))
			}
		}
	}
	return nil
}
