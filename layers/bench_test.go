package layers

import (
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/seq2seq/transformer/graph"
)

// benchStep builds a training graph of the tiny config's size (batch 64,
// length 16, d_model 64, 4 heads, d_ff 256, 2+2 layers, vocab 340) and
// returns a function running one forward and backward pass.
func benchStep(b *testing.B, withTarget bool, build func(bd *graph.Builder, m *Transformer, in *Inputs) *G.Node) func() {
	const batch, length = 64, 16
	cfg := Config{SrcVocab: 340, TgtVocab: 340, DModel: 64, Heads: 4, EncoderLayers: 2, DecoderLayers: 2,
		DFF: 256, Dropout: 0.1, TieEmbeddings: true, MaxPositions: 256}
	ps := graph.NewParams(tensor.Float32)
	m, err := New(cfg, ps, graph.NewRNG(1))
	if err != nil {
		b.Fatal(err)
	}
	bd := graph.NewBuilder(ps, true)
	var in *Inputs
	var cost *G.Node
	if err := bd.Build(func(bd *graph.Builder) {
		tl := 0
		if withTarget {
			tl = length
		}
		in = NewInputs(bd, batch, length, tl)
		cost = build(bd, m, in)
	}); err != nil {
		b.Fatal(err)
	}
	_, nodes := bd.ParamNodes()
	if _, err := G.Grad(cost, nodes...); err != nil {
		b.Fatal(err)
	}
	vm := G.NewTapeMachine(bd.G, G.BindDualValues(nodes...))
	b.Cleanup(func() { vm.Close() })
	rng := graph.NewRNG(2)
	src, tgtIn, tgtOut := reversalBatch(rng, batch, length, cfg.TgtVocab)
	src = src[:batch*length]
	tgtIn, tgtOut = tgtIn[:batch*length], tgtOut[:batch*length]
	if err := in.BindSource(src); err != nil {
		b.Fatal(err)
	}
	if in.TgtIn != nil {
		if err := in.BindTarget(tgtIn, tgtOut); err != nil {
			b.Fatal(err)
		}
	}
	return func() {
		if err := bd.FillDropout(rng); err != nil {
			b.Fatal(err)
		}
		vm.Reset()
		if err := vm.RunAll(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTrainingStep is one forward and backward pass of the full model.
func BenchmarkTrainingStep(b *testing.B) {
	step := benchStep(b, true, func(bd *graph.Builder, m *Transformer, in *Inputs) *G.Node { return m.Loss(bd, in, 0.1) })
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		step()
	}
}

// BenchmarkSelfAttention is one encoder self-attention layer, forward and
// backward, at the tiny config's size.
func BenchmarkSelfAttention(b *testing.B) {
	step := benchStep(b, false, func(bd *graph.Builder, m *Transformer, in *Inputs) *G.Node {
		x := m.SrcEmbed.Forward(bd, in.Src, in.B, in.S)
		y := m.Encoder[0].SelfAttn.Forward(bd, x, x, in.SrcMask, in.B, in.S, in.S)
		s, err := G.Sum(y)
		if err != nil {
			bd.Fail("sum", err)
		}
		return s
	})
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		step()
	}
}
