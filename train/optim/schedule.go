package optim

import (
	"fmt"
	"math"
)

// Learning-rate schedule names accepted by train.schedule.
const (
	// ScheduleInverseSqrt warms up linearly, then decays as 1/sqrt(step)
	// (fairseq's inverse_sqrt).
	ScheduleInverseSqrt = "inverse_sqrt"
	// ScheduleConstant warms up linearly, then stays at the peak.
	ScheduleConstant = "constant"
)

// Schedules lists the valid values of train.schedule.
var Schedules = []string{ScheduleInverseSqrt, ScheduleConstant}

// LearningRate returns the learning rate for optimizer step step (1-based:
// the step about to be taken) under the schedule kind with peak rate peak and
// warmup warm-up steps. It is a pure function.
//
// Both schedules share a linear warm-up: peak*step/warmup for
// step <= warmup, so step 1 gets peak/warmup and step warmup gets peak.
// After warm-up, inverse_sqrt gives peak*sqrt(warmup/step) and constant gives
// peak. With warmup <= 0 there is no warm-up: inverse_sqrt then gives
// peak/sqrt(step) (as if warmup were 1) and constant gives peak. Steps below
// 1 are treated as step 1.
//
// An unknown kind is a programming error (Config.Validate rejects it), so
// LearningRate panics on one.
func LearningRate(step int, peak float64, warmup int, kind string) float64 {
	if step < 1 {
		step = 1
	}
	if kind != ScheduleInverseSqrt && kind != ScheduleConstant {
		panic(fmt.Sprintf("LearningRate: unknown schedule %q (valid: %s, %s)", kind, ScheduleInverseSqrt, ScheduleConstant))
	}
	if warmup > 0 && step <= warmup {
		return peak * float64(step) / float64(warmup)
	}
	if kind == ScheduleConstant {
		return peak
	}
	w := max(warmup, 1)
	return peak * math.Sqrt(float64(w)/float64(step))
}
