package train

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/seq2seq/transformer/align"
	"github.com/seq2seq/transformer/data"
	"github.com/seq2seq/transformer/graph"
	"github.com/seq2seq/transformer/layers"
)

// guide is guided alignment in the training graphs: which head's
// cross-attention is trained towards the gold links of which pairs, and
// with what weight. A training graphCache with a guide builds every graph
// with an input for the batch's gold distribution (B, T, S) and adds
// graph.GuidedAlignment of that head to the token loss; without one (and
// for validation) the graph is the plain loss.
type guide struct {
	tag         string // builder tag of the guided layer's (B*H, T, S) cross-attention
	heads, head int
	weight      float64
	pairs       []data.Encoded // the training pairs the batches index
	links       [][]align.Link // their gold links
}

// newGuide returns the guide of cfg's train.guided_alignment over the
// training pairs, or nil when it is off.
func newGuide(cfg *Config, m *layers.Transformer, pairs []data.Encoded) *guide {
	g := cfg.Train.GuidedAlignment
	if !g.On() {
		return nil
	}
	layer := g.LayerIndex(len(m.Decoder))
	return &guide{tag: m.Decoder[layer].CrossAttn.ProbsTag(), heads: m.Cfg.Heads, head: g.Head,
		weight: g.Weight, pairs: pairs, links: data.PairLinks(pairs)}
}

// setGuide gives every worker's training cache the run's guide.
func (r *trainer) setGuide() {
	gd := newGuide(r.cfg, r.model, r.corpus.Train)
	for _, w := range r.workers {
		w.guide = gd
	}
}

// addGuide adds the guided-alignment term to g's loss while the graph is
// built: an input node for the gold distribution (B, T, S) and the loss of
// the guided head's attention against it.
func (g *lossGraph) addGuide(b *graph.Builder, gd *guide) {
	probs := b.Tagged(gd.tag) // (B*H, T, S)
	if probs == nil {
		b.Fail("guided alignment", fmt.Errorf("the graph has no attention tagged %s", gd.tag))
		return
	}
	g.guide = gd
	g.gold = b.Input("guided_gold", b.Dtype(), g.in.B, g.in.T, g.in.S)
	g.guided = b.GuidedAlignment(probs, g.gold, gd.heads, gd.head, gd.weight)
	g.loss = b.Add(g.loss, g.guided)
}

// bindGold binds the gold distribution of batch b (data.GuidedTarget) to
// g's gold input; a graph without a guide has none.
func (g *lossGraph) bindGold(b data.Batch) error {
	if g.guide == nil {
		return nil
	}
	gold, err := data.GuidedTarget(b, g.guide.pairs, g.guide.links)
	if err != nil {
		return err
	}
	var t *tensor.Dense
	if g.b.Dtype() == tensor.Float32 {
		f := make([]float32, len(gold))
		for i, v := range gold {
			f[i] = float32(v)
		}
		t = tensor.New(tensor.WithShape(b.B, b.T, b.S), tensor.WithBacking(f))
	} else {
		t = tensor.New(tensor.WithShape(b.B, b.T, b.S), tensor.WithBacking(gold))
	}
	if err := G.Let(g.gold, t); err != nil {
		return fmt.Errorf("bind guided alignment target: %w", err)
	}
	return nil
}

// readGuided records the guided term of the run just made (0 without a
// guide), for the metrics.
func (g *lossGraph) readGuided() error {
	if g.guided == nil {
		g.lastGuided = 0
		return nil
	}
	v, err := lossScalar(g.guided.Value())
	if err != nil {
		return fmt.Errorf("guided alignment loss: %w", err)
	}
	g.lastGuided = v
	return nil
}
