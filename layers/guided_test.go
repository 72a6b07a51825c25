package layers

import (
	"fmt"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/seq2seq/transformer/align"
	"github.com/seq2seq/transformer/data"
	"github.com/seq2seq/transformer/graph"
)

// TestGuidedAlignmentLossGradient checks the wiring the trainer will use
// for guided alignment: the token loss plus graph.GuidedAlignment on the
// tagged cross-attention of a decoder layer and head, against the target
// data.GuidedTarget lays out for a padded batch (source padding, a filler
// row, a word linked to two source words, an unaligned word), gradient
// checked through the whole model with dropout.
func TestGuidedAlignmentLossGradient(t *testing.T) {
	ps, rng := graph.NewParams(tensor.Float64), graph.NewRNG(11)
	cfg := tinyConfig()
	m, err := New(cfg, ps, rng)
	if err != nil {
		t.Fatal(err)
	}
	pairs := []data.Encoded{
		{Src: []int{5, 6, 7}, Tgt: []int{8, 9, 10}},
		{Src: []int{5, 6}, Tgt: []int{8, 9}},
	}
	links := [][]align.Link{
		{{Src: 0, Tgt: 0}, {Src: 2, Tgt: 1}, {Src: 1, Tgt: 1}, {Src: 1, Tgt: 2}},
		{{Src: 1, Tgt: 0}}, // target word 1 unaligned
	}
	batch := data.MakeBatch(pairs, []int{0, 1}, 2, 3) // B 3, S 4, T 4
	gold, err := data.GuidedTarget(batch, pairs, links)
	if err != nil {
		t.Fatal(err)
	}
	const head = 1
	var in *Inputs
	var guided *G.Node
	build := func(b *graph.Builder) *G.Node {
		in = NewInputs(b, batch.B, batch.S, batch.T)
		loss := m.Loss(b, in, 0.1)
		probs := b.Tagged(fmt.Sprintf("decoder.%d.cross_attn.probs", cfg.DecoderLayers-1)) // (B*H, T, S)
		g := b.Constant("gold", gold, batch.B, batch.T, batch.S)
		guided = b.GuidedAlignment(probs, g, cfg.Heads, head, 0.5)
		return b.Add(loss, guided)
	}
	bind := func(b *graph.Builder) error {
		if err := in.BindSource(batch.Src); err != nil {
			return err
		}
		return in.BindTarget(batch.TgtIn, batch.TgtOut)
	}
	// The guided term is a real part of the checked loss: near-uniform
	// attention over 2 or 3 real source words gives about 0.5·log 2.5.
	v := evalNodes(t, ps, false, graph.NewRNG(1), func(b *graph.Builder) []*G.Node {
		build(b)
		return []*G.Node{guided}
	}, bind)
	if v[0][0] < 0.2 || v[0][0] > 2 {
		t.Errorf("guided alignment term %v, want about 0.5·log 2.5", v[0][0])
	}
	checkGrad(t, ps, build, bind, true)
}
