package optim

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// gradChunk is the most elements of one parameter that the optimizer's
// parallel loops hand to a goroutine at once. It also fixes how
// GradNorm sums (see there), so changing it changes results at float
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
