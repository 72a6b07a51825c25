package optim

import (
	"runtime"
	"testing"
)

// spanTestShapes are parameter lengths that exercise gradSpans and
// forSpans: single elements, an empty parameter, exact and ragged multiples
// of gradChunk, and totals below and above minParallel.
var spanTestShapes = []struct {
	name string
	lens []int
}{
	{"one small", []int{3}},
	{"with empty", []int{5, 0, 7}},
	{"exact chunk", []int{gradChunk}},
	{"ragged below minParallel", []int{gradChunk + 1, 64, 2*gradChunk + 17}},
	{"above minParallel", []int{64, 3*gradChunk + 5, 0, 21440, 16384, 1}},
}

// testProcs are the GOMAXPROCS values the parallel loops are run under.
var testProcs = []int{1, 2, 3, 8}

// withProcs runs f with GOMAXPROCS set to n.
func withProcs(n int, f func()) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(n))
	f()
}

func TestGradSpans(t *testing.T) {
	for _, tt := range spanTestShapes {
		ps := randomParams(tt.lens, 1)
		var next span // the span the next one must start at
		for _, s := range gradSpans(ps) {
			for next.param < len(ps) && next.lo == len(ps[next.param].Grad) {
				next = span{param: next.param + 1}
			}
			if s.param != next.param || s.lo != next.lo || s.hi <= s.lo || s.hi-s.lo > gradChunk || s.hi > len(ps[s.param].Grad) {
				t.Fatalf("%s: span %+v after elements up to %+v, want one of 1..%d elements starting there", tt.name, s, next, gradChunk)
			}
			next.lo = s.hi
		}
		for next.param < len(ps) && next.lo == len(ps[next.param].Grad) {
			next = span{param: next.param + 1}
		}
		if next.param != len(ps) {
			t.Errorf("%s: spans stop at %+v, want every element of %v covered", tt.name, next, tt.lens)
		}
	}
}

func TestForSpansCallsEachOnce(t *testing.T) {
	for _, tt := range spanTestShapes {
		ss := gradSpans(randomParams(tt.lens, 1))
		for _, procs := range testProcs {
			calls := make([]int, len(ss)) // each k is written by one call only
			withProcs(procs, func() { forSpans(ss, func(k int) { calls[k]++ }) })
			for k, n := range calls {
				if n != 1 {
					t.Errorf("%s, GOMAXPROCS %d: span %d called %d times, want 1", tt.name, procs, k, n)
				}
			}
		}
	}
}
