package train

import (
	"runtime"
	"sync"
	"sync/atomic"

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
// of workers. Each worker also collects its gradients and releases its
// graph's intermediate values in its goroutine, which leaves only the
// combination, itself split over goroutines, to the caller.
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
	var grads [2][]Param
	var errs [2]error
	var wg sync.WaitGroup
	for w := range gs {
		wg.Go(func() {
			losses[w], grads[w], errs[w] = gs[w].runHalf(halves[w], rngs[w])
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
		for _, p := range grads[1] {
			clear(p.Grad)
		}
		return 0, grads[0], nil
	}
	w0, w1 := n0/(n0+n1), n1/(n0+n1)
	combineGrads(grads[0], grads[1], w0, w1)
	return w0*losses[0] + w1*losses[1], grads[0], nil
}

// runHalf is one worker's part of parallelStep: it draws the dropout masks
// from rng, runs the graph on h, and returns the loss and the gradients,
// with the run's intermediate values already released.
func (g *lossGraph) runHalf(h data.Batch, rng *graph.RNG) (float64, []Param, error) {
	if err := g.b.FillDropout(rng); err != nil {
		return 0, nil, err
	}
	loss, err := g.run(h.Src, h.TgtIn, h.TgtOut)
	if err != nil {
		return 0, nil, err
	}
	ps, err := g.grads()
	if err != nil {
		return 0, nil, err
	}
	return loss, ps, g.release()
}

// combineGrads sets every gradient of p0 to w0*g0 + w1*g1, computed in
// float64, where g1 is the gradient of p1 at the same place, and zeroes
// p1's. p0 and p1 list the same parameters in the same order.
func combineGrads(p0, p1 []Param, w0, w1 float64) {
	ss := gradSpans(p0)
	forSpans(ss, func(k int) {
		s := ss[k]
		g0 := p0[s.param].Grad[s.lo:s.hi]
		g1 := p1[s.param].Grad[s.lo:s.hi]
		g1 = g1[:len(g0)]
		for j := range g0 {
			g0[j] = float32(w0*float64(g0[j]) + w1*float64(g1[j]))
		}
		clear(g1)
	})
}

// gradChunk is the most elements of one parameter that the optimizer's
// parallel loops hand to a goroutine at once. It also fixes how
// ClipGradNorm sums (see there), so changing it changes results at float
// rounding level.
const gradChunk = 4096

// minParallel is the fewest elements for which forSpans uses more than one
// goroutine; below it starting them costs more than it saves.
const minParallel = 1 << 15

// span is the elements [lo, hi) of parameter param.
type span struct{ param, lo, hi int }

// gradSpans cuts the gradients of params into spans of at most gradChunk
// elements, in parameter and element order. The cut depends only on the
// lengths, never on the number of goroutines.
func gradSpans(params []Param) []span {
	var ss []span
	for i, p := range params {
		for lo := 0; lo < len(p.Grad); lo += gradChunk {
			ss = append(ss, span{param: i, lo: lo, hi: min(lo+gradChunk, len(p.Grad))})
		}
	}
	return ss
}

// forSpans calls f(k) once for every k in [0, len(ss)) and returns when
// all calls are done. The calls run on up to GOMAXPROCS goroutines, the
// caller's included, that each take the next k in turn, so f must only
// touch the elements of span ss[k] and what belongs to k alone: results
// then do not depend on which goroutine ran which span.
func forSpans(ss []span, f func(k int)) {
	total := 0
	for _, s := range ss {
		total += s.hi - s.lo
	}
	workers := min(runtime.GOMAXPROCS(0), len(ss))
	if total < minParallel || workers < 2 {
		for k := range ss {
			f(k)
		}
		return
	}
	var next atomic.Int64
	work := func() {
		for k := int(next.Add(1) - 1); k < len(ss); k = int(next.Add(1) - 1) {
			f(k)
		}
	}
	var wg sync.WaitGroup
	for range workers - 1 {
		wg.Go(work)
	}
	work()
	wg.Wait()
}
