package train

import "github.com/seq2seq/transformer/train/optim"

// Learning-rate schedule names accepted by train.schedule (see
// optim.LearningRate).
const (
	ScheduleInverseSqrt = optim.ScheduleInverseSqrt
	ScheduleConstant    = optim.ScheduleConstant
)

// Schedules lists the valid values of train.schedule.
var Schedules = optim.Schedules
