package train

import (
	"fmt"
	"sync"

	"github.com/seq2seq/transformer/data"
	"github.com/seq2seq/transformer/graph"
	"github.com/seq2seq/transformer/train/optim"
)

// splitBatch cuts b into n batches of the same S and T, its rows in order:
// the first B%n take ceil(B/n) rows, the others floor(B/n) (for two, the
// first takes ceil(B/2)). Config validation keeps n <= B, so none is empty.
func splitBatch(b data.Batch, n int) []data.Batch {
	parts := make([]data.Batch, n)
	lo := 0
	for w := range parts {
		hi := lo + b.B/n
		if w < b.B%n {
			hi++
		}
		parts[w] = batchRows(b, lo, hi)
		lo = hi
	}
	return parts
}

// batchRows returns rows [lo, hi) of b, sharing its slices, with their
// token counts.
func batchRows(b data.Batch, lo, hi int) data.Batch {
	p := data.Batch{B: hi - lo, S: b.S, T: b.T,
		Src:    b.Src[lo*b.S : hi*b.S],
		TgtIn:  b.TgtIn[lo*b.T : hi*b.T],
		TgtOut: b.TgtOut[lo*b.T : hi*b.T],
		Index:  b.Index[lo:hi]}
	for _, id := range p.Src {
		if id != data.PadID {
			p.SrcTokens++
		}
	}
	for _, id := range p.TgtOut {
		if id != data.PadID {
			p.TgtTokens++
		}
	}
	return p
}

// parallelStep runs the n slices of a batch (n = train.workers, see
// splitBatch) on n graphs at once, one per worker (they only read the
// shared weights), and combines them into the token-weighted mean loss and
// gradient the whole batch would give, written into the first worker's
// gradient buffers (the step zeroes every worker's buffers once it has used
// them). Worker 0 draws its dropout masks from the run's dropout generator,
// worker w > 0 from the w-th generator split off it at the start of the
// step, so a run is reproducible (and resumable) for a given number of
// workers. Each worker also collects its gradients and releases its graph's
// intermediate values in its own goroutine, which leaves only the
// combination, in worker order and itself split over goroutines in a fixed
// order (optim.CombineGrads), to the caller: the result does not depend on
// which goroutine finished first nor on GOMAXPROCS.
func (r *trainer) parallelStep(b data.Batch) (loss float64, ps []optim.Param, err error) {
	n := len(r.workers)
	if b.B < n {
		return 0, nil, fmt.Errorf("batch of %d rows for %d workers (train.workers must be at most train.batch_size)", b.B, n)
	}
	parts := splitBatch(b, n)
	gs := make([]*lossGraph, n)
	for w, p := range parts {
		if gs[w], err = r.workers[w].get(shapeKey{B: p.B, S: p.S, T: p.T}); err != nil {
			return 0, nil, err
		}
	}
	rngs := make([]*graph.RNG, n)
	rngs[0] = r.dropRNG
	for w := 1; w < n; w++ {
		rngs[w] = r.dropRNG.Split()
	}
	losses := make([]float64, n)
	grads := make([][]optim.Param, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for w := range gs {
		wg.Go(func() {
			losses[w], grads[w], errs[w] = gs[w].runOn(parts[w], rngs[w])
		})
	}
	wg.Wait()
	for _, e := range errs {
		if e != nil {
			return 0, nil, e
		}
	}
	weights := tokenWeights(parts)
	if weights == nil {
		return 0, grads[0], nil
	}
	if err := optim.CombineGrads(grads, weights); err != nil {
		return 0, nil, err
	}
	// The guided-alignment term of each part is a mean over that part's
	// aligned target words; weighting it by tokens like the rest gives
	// nearly, not exactly, the whole batch's (deterministic all the same).
	loss, r.guided = weights[0]*losses[0], weights[0]*gs[0].lastGuided
	for w := 1; w < n; w++ {
		loss += weights[w] * losses[w]
		r.guided += weights[w] * gs[w].lastGuided
	}
	return loss, grads[0], nil
}

// tokenWeights returns each part's share of the target tokens of all parts
// (its weight in the batch's mean loss), or nil when there are none.
func tokenWeights(parts []data.Batch) []float64 {
	total := 0.0
	for _, p := range parts {
		total += float64(p.TgtTokens)
	}
	if total == 0 {
		return nil
	}
	ws := make([]float64, len(parts))
	for w, p := range parts {
		ws[w] = float64(p.TgtTokens) / total
	}
	return ws
}
