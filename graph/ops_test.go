package graph

import (
	"math"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// randomParams returns a float64 registry holding one parameter "x" of shape
// with N(0, std²) values.
func randomParams(t *testing.T, seed uint64, std float64, shapes map[string][]int, order ...string) *Params {
	t.Helper()
	ps := NewParams(tensor.Float64)
	rng := NewRNG(seed)
	for _, name := range order {
		if _, err := ps.Add(name, shapes[name], NormalInit(std), rng); err != nil {
			t.Fatal(err)
		}
	}
	return ps
}

// weightedSum returns sum(x ⊙ w) for a fixed random w, a scalar whose
// gradient with respect to x is w: a generic probe for gradient checks.
func weightedSum(b *Builder, x *G.Node, seed uint64) *G.Node {
	rng := NewRNG(seed)
	n := x.Shape().TotalSize()
	w := make([]float64, n)
	for i := range w {
		w[i] = rng.Normal()
	}
	wn := b.Constant("probe", w, x.Shape().Clone()...)
	s, err := G.Sum(b.Mul(x, wn))
	return b.must("sum", s, err)
}

// run builds fn's graph over ps, runs it once and returns the value of the
// node fn returns as float64s.
func run(t *testing.T, ps *Params, fn func(b *Builder) *G.Node, setup func(b *Builder) error) []float64 {
	t.Helper()
	b := NewBuilder(ps, false)
	var out *G.Node
	if err := b.Build(func(b *Builder) { out = fn(b) }); err != nil {
		t.Fatal(err)
	}
	if setup != nil {
		if err := setup(b); err != nil {
			t.Fatal(err)
		}
	}
	m := G.NewTapeMachine(b.G)
	defer m.Close()
	if err := m.RunAll(); err != nil {
		t.Fatal(err)
	}
	if v, ok := out.Value().(tensor.Tensor); ok {
		return Float64s(v)
	}
	v, err := scalarOf(out.Value())
	if err != nil {
		t.Fatal(err)
	}
	return []float64{v}
}

func maskTensor(vals []float64, shape ...int) *tensor.Dense {
	return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(append([]float64(nil), vals...)))
}

func TestSoftmaxMatchesReference(t *testing.T) {
	ninf := math.Inf(-1)
	tests := []struct {
		name  string
		x     []float64 // one group, 2 queries, 3 keys
		mask  []float64 // (1, 1, 3)
		scale float64
		want  []float64
	}{
		{"plain", []float64{1, 2, 3, 0, 0, 0}, []float64{0, 0, 0}, 1,
			[]float64{0.09003057317038046, 0.24472847105479764, 0.6652409557748219, 1.0 / 3, 1.0 / 3, 1.0 / 3}},
		{"masked -inf", []float64{1, 2, 3, 5, 5, 9}, []float64{0, 0, ninf}, 1,
			[]float64{0.2689414213699951, 0.7310585786300049, 0, 0.5, 0.5, 0}},
		{"masked -1e9", []float64{1, 2, 3, 5, 5, 9}, []float64{0, 0, -1e9}, 1,
			[]float64{0.2689414213699951, 0.7310585786300049, 0, 0.5, 0.5, 0}},
		{"fully masked -inf gives zeros", []float64{1, 2, 3, 4, 5, 6}, []float64{ninf, ninf, ninf}, 1,
			[]float64{0, 0, 0, 0, 0, 0}},
		{"fully masked -1e9 stays finite", []float64{0, 0, 0, 0, 0, 0}, []float64{-1e9, -1e9, -1e9}, 1,
			[]float64{1.0 / 3, 1.0 / 3, 1.0 / 3, 1.0 / 3, 1.0 / 3, 1.0 / 3}},
		{"extreme logits", []float64{1e4, -1e4, 0, -1e4, -1e4, -1e4}, []float64{0, 0, 0}, 1,
			[]float64{1, 0, 0, 1.0 / 3, 1.0 / 3, 1.0 / 3}},
		{"scaled", []float64{2, 4, 6, 0, 0, 0}, []float64{0, 0, 0}, 0.5,
			[]float64{0.09003057317038046, 0.24472847105479764, 0.6652409557748219, 1.0 / 3, 1.0 / 3, 1.0 / 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps := NewParams(tensor.Float64)
			var mask *G.Node
			got := run(t, ps, func(b *Builder) *G.Node {
				x := b.Constant("x", tt.x, 1, 2, 3)
				mask = b.Input("mask", tensor.Float64, 1, 1, 3)
				return b.MaskedSoftmax(x, mask, tt.scale)
			}, func(b *Builder) error { return G.Let(mask, maskTensor(tt.mask, 1, 1, 3)) })
			for i := range got {
				if math.IsNaN(got[i]) || math.Abs(got[i]-tt.want[i]) > 1e-12 {
					t.Fatalf("softmax = %v, want %v", got, tt.want)
				}
			}
		})
	}
}

func TestSoftmaxFloat32ExtremeIsFinite(t *testing.T) {
	ps := NewParams(tensor.Float32)
	got := run(t, ps, func(b *Builder) *G.Node {
		x := b.Constant("x", []float64{1e4, -1e4, 3e4, -3e4}, 2, 2)
		return b.softmax(x, 1)
	}, nil)
	want := []float64{1, 0, 1, 0}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("float32 softmax = %v, want %v", got, want)
		}
	}
}

func TestSoftmaxGradient(t *testing.T) {
	ninf := math.Inf(-1)
	// x is (4, 3, 5): 2 sentences x 2 heads; mask (2, 3, 5) with a padded
	// key, a causal-like pattern and one fully masked row.
	mask := make([]float64, 2*3*5)
	mask[4] = ninf
	mask[5+3], mask[5+4] = ninf, ninf
	for k := 0; k < 5; k++ {
		mask[15+10+k] = ninf
	}
	ps := randomParams(t, 1, 2, map[string][]int{"x": {4, 3, 5}}, "x")
	var m *G.Node
	rep, err := CheckGradients(ps, func(b *Builder) *G.Node {
		m = b.Input("mask", tensor.Float64, 2, 3, 5)
		return weightedSum(b, b.MaskedSoftmax(b.Param("x"), m, 0.7), 3)
	}, func(b *Builder) error { return G.Let(m, maskTensor(mask, 2, 3, 5)) }, CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Max() > 1e-6 {
		t.Errorf("softmax gradient:\n%s", rep)
	}
}

// TestLayerNormValuesAndGradient checks the fused layer norm against the
// definition (a constant row normalises to zeros, then beta) and its three
// gradients by finite differences.
func TestLayerNormValuesAndGradient(t *testing.T) {
	ps := NewParams(tensor.Float64)
	gamma, beta := []float64{1, 2, -1, 0.5}, []float64{0.1, 0.2, 0.3, 0.4}
	got := run(t, ps, func(b *Builder) *G.Node {
		return b.LayerNorm(b.Constant("x", []float64{1, 2, 3, 4, 5, 5, 5, 5}, 2, 4),
			b.Constant("g", gamma, 4), b.Constant("b", beta, 4), 1e-5)
	}, nil)
	s := 1 / math.Sqrt(1.25+1e-5)
	xhat := []float64{-1.5 * s, -0.5 * s, 0.5 * s, 1.5 * s, 0, 0, 0, 0}
	for i := range got {
		want := xhat[i]*gamma[i%4] + beta[i%4]
		if math.IsNaN(got[i]) || math.Abs(got[i]-want) > 1e-12 {
			t.Fatalf("layer norm = %v, want xhat %v scaled by %v and shifted by %v", got, xhat, gamma, beta)
		}
	}
	ps = randomParams(t, 2, 1, map[string][]int{"x": {3, 6}, "g": {6}, "b": {6}}, "x", "g", "b")
	rep, err := CheckGradients(ps, func(b *Builder) *G.Node {
		return weightedSum(b, b.LayerNorm(b.Param("x"), b.Param("g"), b.Param("b"), 1e-5), 4)
	}, nil, CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Max() > 1e-6 {
		t.Errorf("layer norm gradient:\n%s", rep)
	}
}

// referenceXent is a plain-loop label-smoothed cross-entropy.
func referenceXent(logits [][]float64, targets []int, eps float64, pad int) float64 {
	total, n := 0.0, 0
	for i, row := range logits {
		if targets[i] == pad {
			continue
		}
		mx := math.Inf(-1)
		for _, v := range row {
			mx = math.Max(mx, v)
		}
		z := 0.0
		for _, v := range row {
			z += math.Exp(v - mx)
		}
		for j, v := range row {
			q := eps / float64(len(row))
			if j == targets[i] {
				q += 1 - eps
			}
			total -= q * (v - mx - math.Log(z))
		}
		n++
	}
	return total / float64(n)
}

func TestCrossEntropyValuesAndGradient(t *testing.T) {
	logits := [][]float64{{1, 2, 3, 4}, {0, 0, 0, 0}, {1e4, -1e4, 0, 5}, {3, 1, 4, 1}}
	targets := []float64{2, 0, 1, 3} // row 1 is pad (0)
	flat := append(append(append(append([]float64{}, logits[0]...), logits[1]...), logits[2]...), logits[3]...)
	for _, eps := range []float64{0, 0.1} {
		ps := NewParams(tensor.Float64)
		got := run(t, ps, func(b *Builder) *G.Node {
			return b.CrossEntropy(b.Constant("l", flat, 4, 4), b.Constant("t", targets, 4), eps, 0)
		}, nil)
		want := referenceXent(logits, []int{2, 0, 1, 3}, eps, 0)
		if math.Abs(got[0]-want) > 1e-9*math.Abs(want) {
			t.Errorf("eps %v: cross-entropy = %v, want %v", eps, got[0], want)
		}
	}
	ps := randomParams(t, 5, 2, map[string][]int{"x": {5, 7}}, "x")
	rep, err := CheckGradients(ps, func(b *Builder) *G.Node {
		return b.CrossEntropy(b.Param("x"), b.Constant("t", []float64{3, 0, 6, 1, 0}, 5), 0.1, 0)
	}, nil, CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Max() > 1e-6 {
		t.Errorf("cross-entropy gradient:\n%s", rep)
	}
}

func TestCrossEntropyRejectsBadTarget(t *testing.T) {
	ps := NewParams(tensor.Float64)
	b := NewBuilder(ps, false)
	var out *G.Node
	if err := b.Build(func(b *Builder) {
		out = b.CrossEntropy(b.Constant("l", make([]float64, 6), 2, 3), b.Constant("t", []float64{1, 7}, 2), 0, 0)
	}); err != nil {
		t.Fatal(err)
	}
	m := G.NewTapeMachine(b.G)
	defer m.Close()
	if err := m.RunAll(); err == nil {
		t.Fatalf("cross-entropy with target 7 of 3 classes: no error (value %v)", out.Value())
	}
}

func TestDropoutGradientAndScaling(t *testing.T) {
	ps := randomParams(t, 6, 1, map[string][]int{"x": {4, 8}}, "x")
	rep, err := CheckGradients(ps, func(b *Builder) *G.Node {
		return weightedSum(b, b.Dropout(b.Param("x"), 0.3), 7)
	}, nil, CheckOptions{Train: true})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Max() > 1e-6 {
		t.Errorf("dropout gradient:\n%s", rep)
	}
	// The mask has values 0 or 1/(1-p), and about p of them are 0.
	b := NewBuilder(NewParams(tensor.Float32), true)
	if err := b.Build(func(b *Builder) { b.Dropout(b.Constant("x", make([]float64, 10000), 100, 100), 0.25) }); err != nil {
		t.Fatal(err)
	}
	if err := b.FillDropout(NewRNG(1)); err != nil {
		t.Fatal(err)
	}
	zeros := 0
	for _, v := range b.Dropouts()[0].buf.Float32s() {
		switch v {
		case 0:
			zeros++
		case float32(1 / 0.75):
		default:
			t.Fatalf("dropout mask value %v, want 0 or %v", v, 1/0.75)
		}
	}
	if zeros < 2300 || zeros > 2700 {
		t.Errorf("dropout zeroed %d of 10000 with p=0.25", zeros)
	}
}

func TestRNGDeterministicAndRestorable(t *testing.T) {
	a, b := NewRNG(42), NewRNG(42)
	for i := 0; i < 100; i++ {
		if a.Uint64() != b.Uint64() {
			t.Fatal("same seed gave different streams")
		}
	}
	st := a.State()
	want := []uint64{a.Uint64(), a.Uint64()}
	c := NewRNG(0)
	if err := c.Restore(st); err != nil {
		t.Fatal(err)
	}
	if got := []uint64{c.Uint64(), c.Uint64()}; got[0] != want[0] || got[1] != want[1] {
		t.Errorf("after Restore got %v, want %v", got, want)
	}
	if NewRNG(1).Uint64() == NewRNG(2).Uint64() {
		t.Error("different seeds gave the same first value")
	}
}

func TestBuildErrorIsReturned(t *testing.T) {
	b := NewBuilder(NewParams(tensor.Float64), false)
	err := b.Build(func(b *Builder) {
		b.MatMul(b.Constant("a", make([]float64, 6), 2, 3), b.Constant("b", make([]float64, 4), 2, 2))
	})
	if err == nil || !contains(err.Error(), "matmul") {
		t.Fatalf("Build error = %v, want a matmul shape error", err)
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}
