package train

import (
	"fmt"
	"math"
	"runtime"
	"slices"
	"testing"

	"github.com/seq2seq/transformer/data"
)

// TestSplitBatch checks that the slices of a batch are its rows in order,
// sizes differing by at most one with the larger first (for two workers,
// the first ceil(B/2) rows, as two workers have always split), with their
// token counts.
func TestSplitBatch(t *testing.T) {
	tests := []struct {
		b, n int
		rows []int
	}{
		{8, 1, []int{8}},
		{8, 2, []int{4, 4}},
		{7, 2, []int{4, 3}},
		{8, 3, []int{3, 3, 2}},
		{7, 3, []int{3, 2, 2}},
		{10, 4, []int{3, 3, 2, 2}},
		{5, 5, []int{1, 1, 1, 1, 1}},
	}
	for _, tt := range tests {
		b := testBatch(tt.b, 3, 4)
		parts := splitBatch(b, tt.n)
		var rows []int
		var src, tgtIn, tgtOut, index []int
		srcTok, tgtTok := 0, 0
		for _, p := range parts {
			rows = append(rows, p.B)
			if p.S != b.S || p.T != b.T || len(p.Src) != p.B*p.S || len(p.TgtIn) != p.B*p.T || len(p.TgtOut) != p.B*p.T || len(p.Index) != p.B {
				t.Errorf("B %d in %d: part %+v has inconsistent shapes", tt.b, tt.n, p)
			}
			src, tgtIn = append(src, p.Src...), append(tgtIn, p.TgtIn...)
			tgtOut, index = append(tgtOut, p.TgtOut...), append(index, p.Index...)
			srcTok, tgtTok = srcTok+p.SrcTokens, tgtTok+p.TgtTokens
			if want := countTokens(p.TgtOut); p.TgtTokens != want {
				t.Errorf("B %d in %d: part of %d rows counts %d target tokens, want %d", tt.b, tt.n, p.B, p.TgtTokens, want)
			}
		}
		if !slices.Equal(rows, tt.rows) {
			t.Errorf("splitBatch(B %d, %d) rows %v, want %v", tt.b, tt.n, rows, tt.rows)
		}
		if !slices.Equal(src, b.Src) || !slices.Equal(tgtIn, b.TgtIn) || !slices.Equal(tgtOut, b.TgtOut) || !slices.Equal(index, b.Index) {
			t.Errorf("B %d in %d: the parts put together are not the batch", tt.b, tt.n)
		}
		if srcTok != b.SrcTokens || tgtTok != b.TgtTokens {
			t.Errorf("B %d in %d: parts count %d/%d tokens, the batch %d/%d", tt.b, tt.n, srcTok, tgtTok, b.SrcTokens, b.TgtTokens)
		}
	}
}

// testBatch is a batch of B rows of lengths s and t whose row r has r%s
// source and r%t target tokens (some rows all padding).
func testBatch(rows, s, t int) data.Batch {
	b := data.Batch{B: rows, S: s, T: t, Src: make([]int, rows*s), TgtIn: make([]int, rows*t), TgtOut: make([]int, rows*t), Index: make([]int, rows)}
	for r := range rows {
		b.Index[r] = 100 + r
		for j := range r % s {
			b.Src[r*s+j] = 10 + r
			b.SrcTokens++
		}
		for j := range r % t {
			b.TgtIn[r*t+j], b.TgtOut[r*t+j] = 20+r, 30+r
			b.TgtTokens++
		}
	}
	return b
}

// countTokens counts the non-padding ids of ids.
func countTokens(ids []int) int {
	n := 0
	for _, id := range ids {
		if id != data.PadID {
			n++
		}
	}
	return n
}

// TestWorkersMatchOne checks that splitting each batch over two, three and
// four graphs gives the loss of the single-graph step (dropout off, so all
// see the same function) within float32 tolerance, over a few optimizer
// steps, and that the weights differ at rounding level from the single
// graph's (the batch really was split: its gradients summed in another
// order).
func TestWorkersMatchOne(t *testing.T) {
	if testing.Short() {
		t.Skip("training runs skipped in -short mode")
	}
	dir := t.TempDir()
	losses := map[int]map[int]float64{}
	hashes := map[int]string{}
	for _, workers := range []int{1, 2, 3, 4} {
		cfg := microConfig(t, fmt.Sprintf("%s/%d", dir, workers))
		cfg.Model.Dropout = 0
		cfg.Train.Workers = workers
		res := runMicro(t, cfg, Options{Steps: 5})
		losses[workers], hashes[workers] = readLosses(t, res.RunDir), res.WeightsHash
	}
	for _, workers := range []int{2, 3, 4} {
		for step := 1; step <= 5; step++ {
			a, b := losses[1][step], losses[workers][step]
			if math.Abs(a-b) > 1e-5*math.Abs(a) {
				t.Errorf("step %d: loss %v with %d workers, %v with one", step, b, workers, a)
			}
		}
		if hashes[workers] == hashes[1] {
			t.Errorf("%d workers give the weights of one bitwise: was the batch split?", workers)
		}
	}
}

// TestWorkersDeterministic checks that three and four workers, more than
// this machine's cores, train bitwise identically under GOMAXPROCS 1 and 2
// (dropout on: each worker's masks come from its own generator). The
// model is widened so that the serial part of a step (combine, norm, Adam)
// has enough elements to be split over goroutines.
func TestWorkersDeterministic(t *testing.T) {
	if testing.Short() {
		t.Skip("training runs skipped in -short mode")
	}
	dir := t.TempDir()
	for _, workers := range []int{3, 4} {
		var hashes [2]string
		var losses [2]map[int]float64
		for i, procs := range []int{1, 2} {
			cfg := microConfig(t, fmt.Sprintf("%s/%d-%d", dir, workers, procs))
			cfg.Model.DModel, cfg.Model.DFF = 64, 64
			cfg.Train.Workers = workers
			prev := runtime.GOMAXPROCS(procs)
			res := runMicro(t, cfg, Options{Steps: 5})
			runtime.GOMAXPROCS(prev)
			hashes[i], losses[i] = res.WeightsHash, readLosses(t, res.RunDir)
		}
		if hashes[0] != hashes[1] {
			t.Errorf("%d workers: weights %s under GOMAXPROCS 1, %s under 2", workers, hashes[0], hashes[1])
		}
		sameLosses(t, losses[1], losses[0])
	}
}
