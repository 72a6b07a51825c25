package train

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/seq2seq/transformer/data"
	"github.com/seq2seq/transformer/train/optim"
)

// loop is the training loop: step, log, evaluate, checkpoint, stop.
func (r *trainer) loop(ctx context.Context) (*Result, error) {
	tc := r.cfg.Train
	bar := newProgress(r.opt, r.step, tc.Steps, tc.LogEvery)
	log := r.opt.Log
	r.opt.Log = bar.clearing(log) // the bar is cleared before every log line
	defer func() { r.opt.Log = log }()
	stopped := false
	for r.step < tc.Steps && !stopped {
		if ctx.Err() != nil {
			bar.finish()
			return r.interrupt()
		}
		rec, _, err := r.trainStep()
		if err != nil {
			bar.finish()
			return nil, err
		}
		if r.step%tc.EvalEvery == 0 || r.step == tc.Steps {
			if err := r.evaluate(&rec); err != nil {
				return nil, err
			}
		}
		if err := r.metrics.write(rec); err != nil {
			return nil, fmt.Errorf("step %d: write metrics: %w", r.step, err)
		}
		bar.update(rec)
		if err := r.afterEval(rec); err != nil {
			return nil, err
		}
		if r.opt.OnStep != nil {
			r.opt.OnStep(r.step)
		}
		score := r.evalScore(rec)
		stopped = r.patienceOut(score)
		if r.step%tc.SaveEvery == 0 || r.step == tc.Steps || stopped {
			if err := r.save(score); err != nil {
				return nil, err
			}
		}
	}
	bar.finish()
	if stopped {
		fmt.Fprintf(r.opt.Log, "step %d: early stopping: validation %s did not improve for %d evaluations (train.patience); best checkpoint kept\n",
			r.step, r.cfg.Train.EarlyStoppingMetric, r.stale)
	}
	res, err := r.finish()
	if res != nil {
		res.EarlyStopped = stopped
	}
	return res, err
}

// afterEval, after a step that evaluated, flushes metrics.jsonl and calls
// Options.OnEval with the run directory.
func (r *trainer) afterEval(rec Record) error {
	if rec.ValidLoss == nil || r.opt.OnEval == nil || r.metrics == nil {
		return nil
	}
	if err := r.metrics.flush(); err != nil {
		return fmt.Errorf("step %d: %w", r.step, err)
	}
	r.opt.OnEval(r.runDir)
	return nil
}

// trainStep runs one optimizer step on the next batch.
func (r *trainer) trainStep() (Record, data.Batch, error) {
	start := time.Now()
	b := r.iter.Next()
	step := r.step + 1
	loss, ps, err := r.forwardBackward(b)
	defer r.zeroGrads()
	if err != nil {
		return Record{}, b, fmt.Errorf("step %d: %w", step, err)
	}
	rec := Record{Step: step, Loss: loss, LR: optim.LearningRate(step, r.cfg.Train.LR, r.cfg.Train.Warmup, r.cfg.Train.Schedule)}
	if r.cfg.Train.GuidedAlignment.On() {
		guided := r.guided
		rec.GuidedLoss = &guided
	}
	// The norm is finite exactly when every gradient is (it doubles as the
	// check for non-finite gradients), and the update clips by the scale
	// ClipScale gives, in the same pass; clip_norm 0 only measures.
	norm := optim.GradNorm(ps)
	if math.IsNaN(loss) || math.IsInf(loss, 0) || math.IsNaN(norm) || math.IsInf(norm, 0) {
		if err := r.skipBatch(step, loss); err != nil {
			return Record{}, b, err
		}
		rec.Skipped = true
	} else {
		r.streak = 0
		rec.GradNorm = norm
		if err := r.adam.Update(ps, rec.LR, optim.ClipScale(norm, r.cfg.Train.ClipNorm)); err != nil {
			return Record{}, b, fmt.Errorf("step %d: %w", step, err)
		}
	}
	r.step = step
	rec.TokensPerS = float64(b.TgtTokens) / time.Since(start).Seconds()
	return rec, b, nil
}

// maxSkipStreak is how many consecutive batches on_nonfinite: skip may
// skip before the run is taken to have diverged and stops.
const maxSkipStreak = 10

// skipBatch handles a non-finite loss or gradient at step: an error under
// on_nonfinite: stop, or after maxSkipStreak skips in a row; otherwise the
// gradients are dropped (trainStep zeroes them) and the batch counted as
// skipped.
func (r *trainer) skipBatch(step int, loss float64) error {
	if r.cfg.Train.OnNonfinite != OnNonfiniteSkip {
		return fmt.Errorf("step %d: loss %v or a gradient is not finite; checkpoints already in %s are intact (set train.on_nonfinite: skip to skip such batches)", step, loss, r.runDir)
	}
	r.skipped++
	r.streak++
	fmt.Fprintf(r.opt.Log, "step %d: non-finite loss or gradient, batch skipped (%d so far)\n", step, r.skipped)
	if r.streak >= maxSkipStreak {
		return fmt.Errorf("step %d: %d batches in a row had a non-finite loss or gradient: the run has diverged (lower train.lr or set train.clip_norm); checkpoints already in %s are intact", step, r.streak, r.runDir)
	}
	return nil
}

// forwardBackward computes the batch's loss and gradients on one graph,
// or on train.workers graphs at once when it is 2 or more.
func (r *trainer) forwardBackward(b data.Batch) (float64, []optim.Param, error) {
	if len(r.workers) > 1 {
		return r.parallelStep(b)
	}
	g, err := r.train.get(shapeKey{B: b.B, S: b.S, T: b.T})
	if err != nil {
		return 0, nil, err
	}
	loss, ps, err := g.runOn(b, r.dropRNG)
	r.guided = g.lastGuided
	return loss, ps, err
}

// zeroGrads zeroes the gradient buffers of every training cache once the
// step has used them.
func (r *trainer) zeroGrads() {
	for _, w := range r.workers {
		w.zeroGrads()
	}
}
