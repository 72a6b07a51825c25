package train

import (
	"sync"

	"github.com/seq2seq/transformer/data"
	"github.com/seq2seq/transformer/graph"
	"github.com/seq2seq/transformer/train/optim"
)

// splitBatch cuts b into two batches of the same S and T, the first taking
// the first ceil(B/2) rows.
func splitBatch(b data.Batch) [2]data.Batch {
	h := (b.B + 1) / 2
	part := func(lo, hi int) data.Batch {
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
	return [2]data.Batch{part(0, h), part(h, b.B)}
}

// parallelStep runs the two halves of a batch on two graphs at once (they
// only read the shared weights) and combines them into the token-weighted
// mean loss and gradient the whole batch would give, written into the first
// graph's gradient buffers (the step zeroes both workers' buffers once it
// has used them). Each worker
// draws its dropout masks in its own goroutine: the first from the run's
// dropout generator, the second from a generator split off it at the start
// of the step, so a run is reproducible (and resumable) for a given number
// of workers. Each worker also collects its gradients and releases its
// graph's intermediate values in its goroutine, which leaves only the
// combination, itself split over goroutines, to the caller.
func (r *trainer) parallelStep(b data.Batch) (loss float64, ps []optim.Param, err error) {
	halves := splitBatch(b)
	var gs [2]*lossGraph
	for w := range gs {
		h := halves[w]
		if gs[w], err = r.workers[w].get(shapeKey{B: h.B, S: h.S, T: h.T}); err != nil {
			return 0, nil, err
		}
	}
	rngs := [2]*graph.RNG{r.dropRNG, r.dropRNG.Split()}
	var losses [2]float64
	var grads [2][]optim.Param
	var errs [2]error
	var wg sync.WaitGroup
	for w := range gs {
		wg.Go(func() {
			losses[w], grads[w], errs[w] = gs[w].runOn(halves[w], rngs[w])
		})
	}
	wg.Wait()
	for _, e := range errs {
		if e != nil {
			return 0, nil, e
		}
	}
	n0, n1 := float64(halves[0].TgtTokens), float64(halves[1].TgtTokens)
	if n0+n1 == 0 {
		return 0, grads[0], nil
	}
	w0, w1 := n0/(n0+n1), n1/(n0+n1)
	// The guided-alignment term of each half is a mean over that half's
	// aligned target words; weighting it by tokens like the rest gives
	// nearly, not exactly, the whole batch's (deterministic all the same).
	r.guided = w0*gs[0].lastGuided + w1*gs[1].lastGuided
	optim.CombineGrads(grads[0], grads[1], w0, w1)
	return w0*losses[0] + w1*losses[1], grads[0], nil
}
