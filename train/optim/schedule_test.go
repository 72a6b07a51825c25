package optim

import (
	"math"
	"testing"
)

func TestLearningRate(t *testing.T) {
	tests := []struct {
		step   int
		peak   float64
		warmup int
		kind   string
		want   float64
	}{
		// Linear warm-up: peak*step/warmup.
		{1, 1, 4, ScheduleInverseSqrt, 0.25},
		{2, 1, 4, ScheduleInverseSqrt, 0.5},
		{3, 1, 4, ScheduleInverseSqrt, 0.75},
		{4, 1, 4, ScheduleInverseSqrt, 1},
		// Then peak*sqrt(warmup/step).
		{16, 1, 4, ScheduleInverseSqrt, 0.5},
		{64, 1, 4, ScheduleInverseSqrt, 0.25},
		{100, 2, 4, ScheduleInverseSqrt, 0.4},
		// Steps below 1 count as step 1.
		{0, 1, 4, ScheduleInverseSqrt, 0.25},
		{-3, 1, 4, ScheduleInverseSqrt, 0.25},
		// No warm-up: peak/sqrt(step).
		{1, 1, 0, ScheduleInverseSqrt, 1},
		{4, 1, 0, ScheduleInverseSqrt, 0.5},
		// Constant: the same warm-up, then peak.
		{1, 1, 4, ScheduleConstant, 0.25},
		{4, 1, 4, ScheduleConstant, 1},
		{5, 1, 4, ScheduleConstant, 1},
		{1000, 0.5, 4, ScheduleConstant, 0.5},
		{1, 0.5, 0, ScheduleConstant, 0.5},
	}
	for _, tt := range tests {
		if got := LearningRate(tt.step, tt.peak, tt.warmup, tt.kind); got != tt.want {
			t.Errorf("LearningRate(%d, %v, %d, %q) = %v, want %v", tt.step, tt.peak, tt.warmup, tt.kind, got, tt.want)
		}
	}
}

func TestLearningRateTinyConfig(t *testing.T) {
	// The tiny config: peak 0.001, warm-up 400.
	tests := []struct {
		step int
		want float64
	}{
		{1, 0.001 / 400},
		{200, 0.0005},
		{400, 0.001},
		{1600, 0.0005},
		{3000, 0.001 * math.Sqrt(400.0/3000.0)},
	}
	for _, tt := range tests {
		got := LearningRate(tt.step, 0.001, 400, ScheduleInverseSqrt)
		if math.Abs(got-tt.want) > 1e-15*tt.want {
			t.Errorf("LearningRate(%d, 0.001, 400, inverse_sqrt) = %v, want %v", tt.step, got, tt.want)
		}
	}
}

func TestLearningRateContinuousAtWarmup(t *testing.T) {
	for _, kind := range Schedules {
		at := LearningRate(400, 0.001, 400, kind)
		after := LearningRate(401, 0.001, 400, kind)
		if after > at || at-after > 0.001*0.01 {
			t.Errorf("%s: LearningRate at steps 400, 401 = %v, %v, want a peak at 400 and a small step down", kind, at, after)
		}
	}
}

func TestLearningRateUnknownKindPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Errorf("LearningRate(1, 1, 4, \"cosine\") did not panic, want a panic")
		}
	}()
	LearningRate(1, 1, 4, "cosine")
}
