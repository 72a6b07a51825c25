package curves

import (
	"math"

	"gonum.org/v1/plot/plotter"

	"github.com/seq2seq/transformer/train"
)

// series holds the curves of a run as points against the step. Non-finite
// values (a skipped batch, a diverged evaluation) cannot be drawn: they are
// left out and counted in dropped.
type series struct {
	loss, smooth, validLoss, validBLEU, lr plotter.XYs
	minStep, maxStep                       float64
	dropped                                int
}

// seriesOf extracts the curves from records in file order.
func seriesOf(recs []train.Record) *series {
	s := &series{minStep: math.Inf(1), maxStep: math.Inf(-1)}
	add := func(xys *plotter.XYs, step int, v float64) {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			s.dropped++
			return
		}
		*xys = append(*xys, plotter.XY{X: float64(step), Y: v})
	}
	for _, r := range recs {
		s.minStep = math.Min(s.minStep, float64(r.Step))
		s.maxStep = math.Max(s.maxStep, float64(r.Step))
		add(&s.loss, r.Step, r.Loss)
		add(&s.lr, r.Step, r.LR)
		if r.ValidLoss != nil {
			add(&s.validLoss, r.Step, *r.ValidLoss)
		}
		if r.ValidBLEU != nil {
			add(&s.validBLEU, r.Step, *r.ValidBLEU)
		}
	}
	s.smooth = runningMean(s.loss, smoothWindow(len(s.loss)))
	return s
}

// smoothWindow is the running-mean window for n training-loss points: about
// a fiftieth of the run, at least 1.
func smoothWindow(n int) int { return max(n/50, 1) }

// runningMean returns the trailing mean of the last w values of pts at each
// point (fewer at the start).
func runningMean(pts plotter.XYs, w int) plotter.XYs {
	out := make(plotter.XYs, len(pts))
	sum := 0.0
	for i, p := range pts {
		sum += p.Y
		if i >= w {
			sum -= pts[i-w].Y
		}
		out[i] = plotter.XY{X: p.X, Y: sum / float64(min(i+1, w))}
	}
	return out
}
