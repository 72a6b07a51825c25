package train

import (
	"fmt"
	"math"
	"strconv"
)

// evalScore is the score of an evaluation under train.early_stopping_metric,
// higher being better (the loss negated), or nil when rec holds no
// evaluation of that metric.
func (r *trainer) evalScore(rec Record) *float64 {
	switch {
	case r.cfg.Train.EarlyStoppingMetric == MetricLoss && rec.ValidLoss != nil:
		s := -*rec.ValidLoss
		return &s
	case r.cfg.Train.EarlyStoppingMetric == MetricBLEU && rec.ValidBLEU != nil:
		s := *rec.ValidBLEU
		return &s
	}
	return nil
}

// patienceOut counts an evaluation's score against the best so far and
// reports whether train.patience evaluations in a row have not improved
// on it (never when patience is 0). A NaN score never improves.
func (r *trainer) patienceOut(score *float64) bool {
	if score == nil {
		return false
	}
	if *score > r.evalBest {
		r.evalBest, r.stale = *score, 0
	} else {
		r.stale++
	}
	return r.cfg.Train.Patience > 0 && r.stale >= r.cfg.Train.Patience
}

// earlyStopExtra is the early-stopping state a checkpoint keeps (in
// checkpoint.State.Extra) so that a resumed run counts on.
func (r *trainer) earlyStopExtra(extra map[string]string) {
	extra["eval_best"] = strconv.FormatFloat(r.evalBest, 'g', -1, 64)
	extra["evals_without_improvement"] = strconv.Itoa(r.stale)
}

// restoreEarlyStop reads what earlyStopExtra wrote; a checkpoint without it
// starts the count afresh.
func (r *trainer) restoreEarlyStop(extra map[string]string) error {
	r.evalBest, r.stale = math.Inf(-1), 0
	if s, ok := extra["eval_best"]; ok {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return fmt.Errorf("restore early stopping: eval_best %q: %w", s, err)
		}
		r.evalBest = f
	}
	if s, ok := extra["evals_without_improvement"]; ok {
		n, err := strconv.Atoi(s)
		if err != nil {
			return fmt.Errorf("restore early stopping: evals_without_improvement %q: %w", s, err)
		}
		r.stale = n
	}
	return nil
}
