package train

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/seq2seq/transformer/data"
	"github.com/seq2seq/transformer/graph"
	"github.com/seq2seq/transformer/layers"
)

// Attention is the attention of one sentence pair, per layer and head,
// cropped to the real lengths: every matrix is indexed [layer][head][query
// position][key position]. Target positions are the decoder inputs BOS +
// output, so row t is the step that predicts output token t and the last
// row the step that predicts EOS.
type Attention struct {
	// Cross is the decoder's attention to the source:
	// (len(out)+1) × len(src) per head.
	Cross [][][][]float64
	// DecoderSelf is the decoder's causal self-attention:
	// (len(out)+1) × (len(out)+1) per head.
	DecoderSelf [][][][]float64
	// EncoderSelf is the encoder's self-attention: len(src) × len(src)
	// per head.
	EncoderSelf [][][][]float64
}

// attnGraph is a graph running the encoder and the teacher-forced decoder
// once, with the attention probabilities of every layer watched.
type attnGraph struct {
	b     *graph.Builder
	in    *layers.Inputs
	enc   []*G.Node // encoder.<i>.self_attn.probs, (H, S, S)
	self  []*G.Node // decoder.<i>.self_attn.probs, (H, T, T)
	cross []*G.Node // decoder.<i>.cross_attn.probs, (H, T, S)
	vm    G.VM
}

// Attention runs the model once over src and the given output (without BOS
// or EOS, for example Greedy's result) and returns the attention of every
// layer and head. The graph is built for this call and not cached. Its
// machine copies each watched probability tensor as it is computed, since a
// tape machine may otherwise reuse a node's buffer for a later node.
func (tr *Translator) Attention(src, out []int) (*Attention, error) {
	maxPos := tr.Model.Cfg.MaxPositions
	switch {
	case len(src) == 0:
		return nil, fmt.Errorf("attention: empty source")
	case len(src) > maxPos:
		return nil, fmt.Errorf("attention: source length %d exceeds model.max_positions %d", len(src), maxPos)
	case len(out)+1 > maxPos:
		return nil, fmt.Errorf("attention: output length %d + EOS exceeds model.max_positions %d", len(out), maxPos)
	}
	s, t := min(data.BucketLen(len(src), tr.Bucket), maxPos), min(data.BucketLen(len(out)+1, tr.Bucket), maxPos)
	g, err := tr.attentionGraph(s, t)
	if err != nil {
		return nil, err
	}
	defer g.vm.Close()
	if err := g.execute(src, out); err != nil {
		return nil, err
	}
	return g.collect(len(src), len(out)+1)
}

// attentionGraph builds the encoder and decoder for one sentence of padded
// source length s and target length t.
func (tr *Translator) attentionGraph(s, t int) (*attnGraph, error) {
	g := &attnGraph{b: graph.NewBuilder(tr.Params, false)}
	if err := g.b.Build(func(b *graph.Builder) {
		g.in = layers.NewInputs(b, 1, s, t)
		tr.Model.Decode(b, g.in, tr.Model.Encode(b, g.in))
	}); err != nil {
		return nil, fmt.Errorf("attention: build graph %d→%d: %w", s, t, err)
	}
	var enc, self, cross []string
	for _, l := range tr.Model.Encoder {
		enc = append(enc, l.SelfAttn.ProbsTag())
	}
	for _, l := range tr.Model.Decoder {
		self = append(self, l.SelfAttn.ProbsTag())
		cross = append(cross, l.CrossAttn.ProbsTag())
	}
	var err error
	if g.enc, err = g.tagged(enc); err != nil {
		return nil, err
	}
	if g.self, err = g.tagged(self); err != nil {
		return nil, err
	}
	if g.cross, err = g.tagged(cross); err != nil {
		return nil, err
	}
	var watch []any
	for _, ns := range [][]*G.Node{g.enc, g.self, g.cross} {
		for _, n := range ns {
			watch = append(watch, n)
		}
	}
	g.vm = G.NewTapeMachine(g.b.G, G.TraceExec(), G.WithWatchlist(watch...))
	return g, nil
}

// tagged returns the nodes tagged with names, in order (the tags
// layers.MultiHeadAttention.ProbsTag names).
func (g *attnGraph) tagged(names []string) ([]*G.Node, error) {
	nodes := make([]*G.Node, len(names))
	for i, name := range names {
		if nodes[i] = g.b.Tagged(name); nodes[i] == nil {
			return nil, fmt.Errorf("attention: the model tags no %q", name)
		}
	}
	return nodes, nil
}

// execute binds src and BOS + out, PAD-padded to the graph's lengths, and runs
// the graph.
func (g *attnGraph) execute(src, out []int) error {
	if err := g.in.BindSource(padRows([][]int{src}, g.in.S)); err != nil {
		return fmt.Errorf("attention: %w", err)
	}
	prefix := append([]int{data.BOSID}, out...)
	if err := g.in.BindTarget(padRows([][]int{prefix}, g.in.T), nil); err != nil {
		return fmt.Errorf("attention: %w", err)
	}
	if err := g.vm.RunAll(); err != nil {
		return fmt.Errorf("attention: run graph: %w", err)
	}
	return nil
}

// collect crops the watched probabilities to srcLen source and tgtLen
// target positions.
func (g *attnGraph) collect(srcLen, tgtLen int) (*Attention, error) {
	s, t := g.in.S, g.in.T
	a := &Attention{}
	var err error
	if a.EncoderSelf, err = cropLayers(g.enc, s, s, srcLen, srcLen); err != nil {
		return nil, err
	}
	if a.DecoderSelf, err = cropLayers(g.self, t, t, tgtLen, tgtLen); err != nil {
		return nil, err
	}
	if a.Cross, err = cropLayers(g.cross, t, s, tgtLen, srcLen); err != nil {
		return nil, err
	}
	return a, nil
}

// cropLayers crops each node's (H, padRows, padCols) value to
// [head][rows][cols].
func cropLayers(nodes []*G.Node, padRows, padCols, rows, cols int) ([][][][]float64, error) {
	out := make([][][][]float64, len(nodes))
	for i, n := range nodes {
		v, ok := n.Value().(tensor.Tensor)
		if !ok || v == nil {
			return nil, fmt.Errorf("attention: %s has no value after the run", n.Name())
		}
		shape := v.Shape()
		if len(shape) != 3 || shape[1] != padRows || shape[2] != padCols {
			return nil, fmt.Errorf("attention: %s has shape %v, want (heads, %d, %d)", n.Name(), shape, padRows, padCols)
		}
		out[i] = cropHeads(graph.Float64s(v), shape[0], padRows, padCols, rows, cols)
	}
	return out, nil
}

// cropHeads cuts the head-major data of a (heads, padRows, padCols) tensor
// (head h, row r, column c at (h*padRows+r)*padCols+c) into heads matrices
// of rows × cols.
func cropHeads(data []float64, heads, padRows, padCols, rows, cols int) [][][]float64 {
	out := make([][][]float64, heads)
	for h := range out {
		out[h] = make([][]float64, rows)
		for r := range rows {
			off := (h*padRows + r) * padCols
			out[h][r] = append([]float64(nil), data[off:off+cols]...)
		}
	}
	return out
}
