package layers

import (
	"math"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/seq2seq/transformer/graph"
)

func TestLinearGradient(t *testing.T) {
	ps, rng := graph.NewParams(tensor.Float64), graph.NewRNG(1)
	addInput(t, ps, "x", 5, 4, rng)
	l, err := NewLinear(ps, "lin", 4, 3, rng)
	if err != nil {
		t.Fatal(err)
	}
	// A non-zero bias so its gradient path is exercised with real values.
	copy(ps.Get("lin.bias").Value.Float64s(), []float64{0.1, -0.2, 0.3})
	checkGrad(t, ps, func(b *graph.Builder) *G.Node { return probe(b, l.Forward(b, b.Param("x")), 2) }, nil, false)
}

func TestLayerNormGradient(t *testing.T) {
	ps, rng := graph.NewParams(tensor.Float64), graph.NewRNG(2)
	addInput(t, ps, "x", 4, 6, rng)
	l, err := NewLayerNorm(ps, "ln", 6, rng)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range ps.Get("ln.weight").Value.Float64s() {
		ps.Get("ln.weight").Value.Float64s()[i] = v + 0.1*float64(i)
	}
	checkGrad(t, ps, func(b *graph.Builder) *G.Node { return probe(b, l.Forward(b, b.Param("x")), 3) }, nil, false)
}

func TestFeedForwardGradientWithDropout(t *testing.T) {
	ps, rng := graph.NewParams(tensor.Float64), graph.NewRNG(3)
	addInput(t, ps, "x", 5, 6, rng)
	f, err := NewFeedForward(ps, "ff", 6, 10, 0.2, rng)
	if err != nil {
		t.Fatal(err)
	}
	checkGrad(t, ps, func(b *graph.Builder) *G.Node { return probe(b, f.Forward(b, b.Param("x")), 4) }, nil, true)
}

func TestEmbeddingGradient(t *testing.T) {
	ps, rng := graph.NewParams(tensor.Float64), graph.NewRNG(4)
	e, err := NewEmbedding(ps, "emb", 7, 6, 16, rng)
	if err != nil {
		t.Fatal(err)
	}
	var ids *G.Node
	checkGrad(t, ps, func(b *graph.Builder) *G.Node {
		ids = b.Input("ids", tensor.Int, 6)
		return probe(b, e.Forward(b, ids, 2, 3), 5)
	}, func(b *graph.Builder) error { return G.Let(ids, intTensor([]int{1, 3, 3, 6, 0, 2})) }, false)
}

// attentionCase builds a (query, memory, mask) situation for attention tests.
type attentionCase struct {
	name      string
	batch     int
	tq, tk    int
	self      bool
	mask      []float64
	maskShape []int
}

func attentionCases() []attentionCase {
	ninf := math.Inf(-1)
	return []attentionCase{
		{name: "self with key padding", batch: 2, tq: 4, tk: 4, self: true,
			mask: []float64{0, 0, 0, ninf, 0, 0, ninf, ninf}, maskShape: []int{2, 1, 4}},
		{name: "causal self", batch: 2, tq: 4, tk: 4, self: true, mask: CausalMask(4), maskShape: []int{1, 4, 4}},
		{name: "cross with source padding", batch: 2, tq: 3, tk: 5, self: false,
			mask: []float64{0, 0, 0, 0, ninf, 0, 0, ninf, ninf, ninf}, maskShape: []int{2, 1, 5}},
	}
}

func TestMultiHeadAttentionGradient(t *testing.T) {
	for _, tc := range attentionCases() {
		t.Run(tc.name, func(t *testing.T) {
			ps, rng := graph.NewParams(tensor.Float64), graph.NewRNG(5)
			addInput(t, ps, "q", tc.batch*tc.tq, 8, rng)
			if !tc.self {
				addInput(t, ps, "mem", tc.batch*tc.tk, 8, rng)
			}
			a, err := NewMultiHeadAttention(ps, "attn", 8, 2, rng)
			if err != nil {
				t.Fatal(err)
			}
			var mask *G.Node
			checkGrad(t, ps, func(b *graph.Builder) *G.Node {
				q, mem := b.Param("q"), b.Param("q")
				if !tc.self {
					mem = b.Param("mem")
				}
				mask = b.Input("mask", tensor.Float64, tc.maskShape...)
				return probe(b, a.Forward(b, q, mem, mask, tc.batch, tc.tq, tc.tk), 6)
			}, func(b *graph.Builder) error { return letMask(mask, tc.mask, tc.maskShape...) }, false)
		})
	}
}

func TestEncoderLayerGradient(t *testing.T) {
	ps, rng := graph.NewParams(tensor.Float64), graph.NewRNG(6)
	cfg := tinyConfig()
	addInput(t, ps, "x", 2*3, cfg.DModel, rng)
	l, err := NewEncoderLayer(ps, "encoder.0", cfg, rng)
	if err != nil {
		t.Fatal(err)
	}
	var mask *G.Node
	checkGrad(t, ps, func(b *graph.Builder) *G.Node {
		mask = b.Input("mask", tensor.Float64, 2, 1, 3)
		return probe(b, l.Forward(b, b.Param("x"), mask, 2, 3), 7)
	}, func(b *graph.Builder) error { return letMask(mask, PaddingMask([]int{4, 5, 0, 6, 0, 0}), 2, 1, 3) }, true)
}

func TestDecoderLayerGradient(t *testing.T) {
	ps, rng := graph.NewParams(tensor.Float64), graph.NewRNG(7)
	cfg := tinyConfig()
	addInput(t, ps, "y", 2*4, cfg.DModel, rng)
	addInput(t, ps, "mem", 2*3, cfg.DModel, rng)
	l, err := NewDecoderLayer(ps, "decoder.0", cfg, rng)
	if err != nil {
		t.Fatal(err)
	}
	var srcMask *G.Node
	checkGrad(t, ps, func(b *graph.Builder) *G.Node {
		srcMask = b.Input("src_mask", tensor.Float64, 2, 1, 3)
		causal := b.Constant("causal", CausalMask(4), 1, 4, 4)
		return probe(b, l.Forward(b, b.Param("y"), b.Param("mem"), causal, srcMask, 2, 4, 3), 8)
	}, func(b *graph.Builder) error { return letMask(srcMask, PaddingMask([]int{4, 5, 0, 6, 7, 8}), 2, 1, 3) }, true)
}

// toyBatch is a padded batch for full-model tests: sentence 0 is shorter
// on both sides, so padding is active in source and target.
var toyBatch = struct {
	B, S, T            int
	Src, TgtIn, TgtOut []int
}{
	B: 2, S: 4, T: 5,
	Src:    []int{5, 6, 7, 0, 8, 9, 10, 4},
	TgtIn:  []int{2, 7, 8, 0, 0, 2, 9, 10, 11, 12},
	TgtOut: []int{7, 8, 3, 0, 0, 9, 10, 11, 12, 3},
}

func TestTransformerLossGradient(t *testing.T) {
	for _, tied := range []bool{true, false} {
		ps, rng := graph.NewParams(tensor.Float64), graph.NewRNG(8)
		cfg := tinyConfig()
		cfg.TieEmbeddings = tied
		m, err := New(cfg, ps, rng)
		if err != nil {
			t.Fatal(err)
		}
		var in *Inputs
		checkGrad(t, ps, func(b *graph.Builder) *G.Node {
			in = NewInputs(b, toyBatch.B, toyBatch.S, toyBatch.T)
			return m.Loss(b, in, 0.1)
		}, func(b *graph.Builder) error {
			if err := in.BindSource(toyBatch.Src); err != nil {
				return err
			}
			return in.BindTarget(toyBatch.TgtIn, toyBatch.TgtOut)
		}, true)
	}
}
