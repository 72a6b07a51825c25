package train

import (
	"sync"

	"github.com/seq2seq/transformer/data"
	"github.com/seq2seq/transformer/graph"
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
// graph's gradient buffers; the second graph's are zeroed. Each worker
// draws its dropout masks in its own goroutine: the first from the run's
// dropout generator, the second from a generator split off it at the start
// of the step, so a run is reproducible (and resumable) for a given number
// of workers.
func (r *run) parallelStep(b data.Batch) (loss float64, ps []Param, err error) {
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
	var errs [2]error
	var wg sync.WaitGroup
	for w := range gs {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			h := halves[w]
			if errs[w] = gs[w].b.FillDropout(rngs[w]); errs[w] != nil {
				return
			}
			losses[w], errs[w] = gs[w].run(h.Src, h.TgtIn, h.TgtOut)
		}(w)
	}
	wg.Wait()
	for _, e := range errs {
		if e != nil {
			return 0, nil, e
		}
	}
	p0, err := gs[0].grads()
	if err != nil {
		return 0, nil, err
	}
	p1, err := gs[1].grads()
	if err != nil {
		return 0, nil, err
	}
	n0, n1 := float64(halves[0].TgtTokens), float64(halves[1].TgtTokens)
	if n0+n1 == 0 {
		return 0, p0, nil
	}
	w0, w1 := n0/(n0+n1), n1/(n0+n1)
	for i := range p0 {
		g0, g1 := p0[i].Grad, p1[i].Grad
		for j := range g0 {
			g0[j] = float32(w0*float64(g0[j]) + w1*float64(g1[j]))
		}
		clear(g1)
	}
	for _, g := range gs {
		if err := g.release(); err != nil {
			return 0, nil, err
		}
	}
	return w0*losses[0] + w1*losses[1], p0, nil
}
