package curves

import (
	"path/filepath"
	"reflect"
	"testing"

	"gonum.org/v1/plot/plotter"
)

func TestRunningMean(t *testing.T) {
	pts := plotter.XYs{{X: 1, Y: 1}, {X: 2, Y: 3}, {X: 3, Y: 5}, {X: 4, Y: 7}}
	tests := []struct {
		w    int
		want []float64
	}{
		{1, []float64{1, 3, 5, 7}},
		{2, []float64{1, 2, 4, 6}},
		{3, []float64{1, 2, 3, 5}},
		{9, []float64{1, 2, 3, 4}},
	}
	for _, tt := range tests {
		var got []float64
		for i, p := range runningMean(pts, tt.w) {
			if p.X != pts[i].X {
				t.Fatalf("runningMean(w=%d) point %d at x=%v, want %v", tt.w, i, p.X, pts[i].X)
			}
			got = append(got, p.Y)
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("runningMean(w=%d) = %v, want %v", tt.w, got, tt.want)
		}
	}
}

func TestSeriesOfGolden(t *testing.T) {
	recs, err := ReadFile(filepath.Join("testdata", MetricsFile))
	if err != nil {
		t.Fatal(err)
	}
	s := seriesOf(recs)
	checks := []struct {
		name      string
		got, want int
	}{
		{"train loss points (step 25 is NaN)", len(s.loss), 59},
		{"smoothed points", len(s.smooth), 59},
		{"valid loss points (step 50 is +Inf)", len(s.validLoss), 5},
		{"valid BLEU points", len(s.validBLEU), 6},
		{"learning-rate points", len(s.lr), 60},
		{"dropped", s.dropped, 2},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %d, want %d", c.name, c.got, c.want)
		}
	}
	if s.minStep != 1 || s.maxStep != 60 {
		t.Errorf("steps %v..%v, want 1..60", s.minStep, s.maxStep)
	}
	if got, want := s.validBLEU[1], (plotter.XY{X: 20, Y: *recs[19].ValidBLEU}); got != want {
		t.Errorf("second BLEU point = %v, want %v", got, want)
	}
}
