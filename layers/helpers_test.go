package layers

import (
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/seq2seq/transformer/graph"
)

// tinyConfig is a model small enough for exhaustive gradient checks.
func tinyConfig() Config {
	return Config{SrcVocab: 11, TgtVocab: 13, DModel: 8, Heads: 2, EncoderLayers: 1, DecoderLayers: 1,
		DFF: 12, Dropout: 0.1, TieEmbeddings: true, MaxPositions: 64}
}

// addInput registers a random "x" parameter (n, d) standing in for a
// layer's input, so the gradient check covers the input gradient too.
func addInput(t *testing.T, ps *graph.Params, name string, n, d int, rng *graph.RNG) {
	t.Helper()
	if _, err := ps.Add(name, []int{n, d}, graph.NormalInit(1), rng); err != nil {
		t.Fatal(err)
	}
}

// probe returns sum(x ⊙ w) for a fixed random w.
func probe(b *graph.Builder, x *G.Node, seed uint64) *G.Node {
	rng := graph.NewRNG(seed)
	w := make([]float64, x.Shape().TotalSize())
	for i := range w {
		w[i] = rng.Normal()
	}
	s, err := G.Sum(b.Mul(x, b.Constant("probe", w, x.Shape().Clone()...)))
	if err != nil {
		b.Fail("probe", err)
	}
	return s
}

func checkGrad(t *testing.T, ps *graph.Params, build func(b *graph.Builder) *G.Node, setup func(b *graph.Builder) error, train bool) {
	t.Helper()
	rep, err := graph.CheckGradients(ps, build, setup, graph.CheckOptions{Train: train, Seed: 9, MaxPerTensor: 40})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Max() > 1e-6 {
		t.Errorf("max relative gradient error %.3g > 1e-6:\n%s", rep.Max(), rep)
	}
	t.Logf("max relative gradient error %.3g over %d tensors", rep.Max(), len(rep))
}

// letMask binds an additive mask of the builder's dtype to n.
func letMask(n *G.Node, vals []float64, shape ...int) error {
	return letFloats(n, tensor.Float64, vals, shape...)
}

// evalNodes builds fn on a fresh non-training graph over ps, runs it once
// after setup, and returns the values of the nodes fn returns.
func evalNodes(t *testing.T, ps *graph.Params, train bool, rng *graph.RNG, fn func(b *graph.Builder) []*G.Node, setup func(b *graph.Builder) error) [][]float64 {
	t.Helper()
	b := graph.NewBuilder(ps, train)
	var outs []*G.Node
	if err := b.Build(func(b *graph.Builder) { outs = fn(b) }); err != nil {
		t.Fatal(err)
	}
	if rng != nil {
		if err := b.FillDropout(rng); err != nil {
			t.Fatal(err)
		}
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
	res := make([][]float64, len(outs))
	for i, o := range outs {
		if tt, ok := o.Value().(tensor.Tensor); ok {
			res[i] = graph.Float64s(tt)
		} else {
			res[i] = []float64{scalar(t, o.Value())}
		}
	}
	return res
}

func scalar(t *testing.T, v G.Value) float64 {
	t.Helper()
	switch s := v.(type) {
	case *G.F32:
		return float64(*s)
	case *G.F64:
		return float64(*s)
	}
	t.Fatalf("not a scalar: %T", v)
	return 0
}
