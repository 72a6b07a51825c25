package optim

import (
	"strings"
	"testing"
)

// combineWeights are the worker weights CombineGrads is tested with, one
// to four workers.
var combineWeights = [][]float64{
	{1},
	{0.5, 0.5}, {0.3, 0.7}, {1, 0}, {1.0 / 3, 2.0 / 3},
	{0.2, 0.3, 0.5}, {1.0 / 3, 1.0 / 3, 1.0 / 3},
	{0.1, 0.2, 0.3, 0.4}, {0, 0.25, 0.25, 0.5},
}

// combineReference is the serial sum CombineGrads must equal bitwise, one
// element at a time in worker order. For two workers it is the expression
// the two-worker combination has always used.
func combineReference(workers [][]Param, w []float64) []Param {
	want := randomParams(paramLens(workers[0]), 0)
	for k, p := range want {
		for j := range p.Grad {
			if len(w) == 2 {
				p.Grad[j] = float32(w[0]*float64(workers[0][k].Grad[j]) + w[1]*float64(workers[1][k].Grad[j]))
				continue
			}
			acc := w[0] * float64(workers[0][k].Grad[j])
			for i := 1; i < len(w); i++ {
				acc += float64(w[i] * float64(workers[i][k].Grad[j]))
			}
			p.Grad[j] = float32(acc)
		}
	}
	return want
}

// paramLens returns the gradient lengths of ps.
func paramLens(ps []Param) []int {
	lens := make([]int, len(ps))
	for i, p := range ps {
		lens[i] = len(p.Grad)
	}
	return lens
}

// workerParams returns n workers' random parameters of the given lengths,
// worker i seeded with seed+i.
func workerParams(n int, lens []int, seed uint64) [][]Param {
	ws := make([][]Param, n)
	for i := range ws {
		ws[i] = randomParams(lens, seed+uint64(i))
	}
	return ws
}

func TestCombineGradsMatchesSerialReference(t *testing.T) {
	for _, tt := range spanTestShapes {
		for _, w := range combineWeights {
			for _, procs := range testProcs {
				ws := workerParams(len(w), tt.lens, 11)
				want := combineReference(workerParams(len(w), tt.lens, 11), w)
				var err error
				withProcs(procs, func() { err = CombineGrads(ws, w) })
				if err != nil {
					t.Fatalf("%s, weights %v: %v", tt.name, w, err)
				}
				for i := range ws[0] {
					if j, ok := sameBits(ws[0][i].Grad, want[i].Grad); !ok {
						t.Errorf("%s, weights %v, GOMAXPROCS %d: combined grad %s differs from the serial reference at %d", tt.name, w, procs, ws[0][i].Name, j)
					}
				}
				orig := workerParams(len(w), tt.lens, 11)
				for n := 1; n < len(w); n++ {
					for i := range ws[n] {
						if j, ok := sameBits(ws[n][i].Grad, orig[n][i].Grad); !ok {
							t.Errorf("%s, weights %v, GOMAXPROCS %d: worker %d's grad %s changed at %d", tt.name, w, procs, n, ws[n][i].Name, j)
						}
					}
				}
			}
		}
	}
}

func TestCombineGradsRejectsMismatches(t *testing.T) {
	lens := []int{5, 7}
	short := randomParams([]int{5, 6}, 3)
	tests := []struct {
		name    string
		workers [][]Param
		weights []float64
		want    string
	}{
		{"no workers", nil, nil, "0 workers, 0 weights"},
		{"weights short", workerParams(3, lens, 1), []float64{0.5, 0.5}, "3 workers, 2 weights"},
		{"fewer parameters", [][]Param{randomParams(lens, 1), randomParams(lens[:1], 2)}, []float64{0.5, 0.5}, "worker 1 has 1 parameters, worker 0 2"},
		{"shorter gradient", [][]Param{randomParams(lens, 1), randomParams(lens, 2), short}, []float64{0.2, 0.3, 0.5}, "worker 2's p1 has 6 gradients, worker 0's 7"},
	}
	for _, tt := range tests {
		var before []Param
		if len(tt.workers) > 0 {
			before = randomParams(paramLens(tt.workers[0]), 1)
		}
		err := CombineGrads(tt.workers, tt.weights)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want one containing %q", tt.name, err, tt.want)
		}
		for i := range before {
			if j, ok := sameBits(tt.workers[0][i].Grad, before[i].Grad); !ok {
				t.Errorf("%s: worker 0's grad %s changed at %d despite the error", tt.name, before[i].Name, j)
			}
		}
	}
}
