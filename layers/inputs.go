package layers

import (
	"fmt"
	"math"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/seq2seq/transformer/data"
	"github.com/seq2seq/transformer/graph"
)

// Inputs are the input nodes of one graph shape: B sentences of source
// length S and target length T. Nodes a graph does not need are nil.
type Inputs struct {
	B, S, T int
	Src     *G.Node // Int (B*S) source ids
	TgtIn   *G.Node // Int (B*T) decoder input ids: BOS + target
	TgtOut  *G.Node // float (B*T) expected ids: target + EOS; made by Transformer.Loss
	SrcMask *G.Node // float (B, 1, S) additive key padding mask
	TgtMask *G.Node // float (1, T, T) additive causal mask (constant)
	Memory  *G.Node // float (B*S, D) encoder output, for a decoder-only graph
	dtype   tensor.Dtype
}

// NewInputs creates the source-side nodes (S > 0) and the target-side
// nodes (T > 0) on b.
func NewInputs(b *graph.Builder, batch, srcLen, tgtLen int) *Inputs {
	in := &Inputs{B: batch, S: srcLen, T: tgtLen, dtype: b.Dtype()}
	if srcLen > 0 {
		in.Src = b.Input("src", tensor.Int, batch*srcLen)
		in.SrcMask = b.Input("src_mask", b.Dtype(), batch, 1, srcLen)
	}
	if tgtLen > 0 {
		in.TgtIn = b.Input("tgt_in", tensor.Int, batch*tgtLen)
		in.TgtMask = b.Constant("causal_mask", CausalMask(tgtLen), 1, tgtLen, tgtLen)
	}
	return in
}

// CausalMask returns the (T, T) additive mask letting position q attend to
// keys k <= q only.
func CausalMask(t int) []float64 {
	m := make([]float64, t*t)
	for q := 0; q < t; q++ {
		for k := q + 1; k < t; k++ {
			m[q*t+k] = math.Inf(-1)
		}
	}
	return m
}

// PaddingMask returns the (B, 1, L) additive mask that hides data.PadID keys.
func PaddingMask(ids []int) []float64 {
	m := make([]float64, len(ids))
	for i, id := range ids {
		if id == data.PadID {
			m[i] = math.Inf(-1)
		}
	}
	return m
}

// BindSource sets the source ids (B*S) and their padding mask.
func (in *Inputs) BindSource(src []int) error {
	if len(src) != in.B*in.S {
		return fmt.Errorf("bind source: %d ids, want %d×%d", len(src), in.B, in.S)
	}
	if err := G.Let(in.Src, intTensor(src)); err != nil {
		return fmt.Errorf("bind source: %w", err)
	}
	return letFloats(in.SrcMask, in.dtype, PaddingMask(src), in.B, 1, in.S)
}

// BindTarget sets the decoder inputs and, if tgtOut is not nil, the
// expected outputs, each (B*T).
func (in *Inputs) BindTarget(tgtIn, tgtOut []int) error {
	if len(tgtIn) != in.B*in.T || (tgtOut != nil && len(tgtOut) != in.B*in.T) {
		return fmt.Errorf("bind target: %d/%d ids, want %d×%d", len(tgtIn), len(tgtOut), in.B, in.T)
	}
	if err := G.Let(in.TgtIn, intTensor(tgtIn)); err != nil {
		return fmt.Errorf("bind target: %w", err)
	}
	if tgtOut == nil {
		return nil
	}
	if in.TgtOut == nil {
		return fmt.Errorf("bind target: this graph has no loss to take expected outputs")
	}
	f := make([]float64, len(tgtOut))
	for i, id := range tgtOut {
		f[i] = float64(id)
	}
	return letFloats(in.TgtOut, in.dtype, f, in.B*in.T)
}

func intTensor(ids []int) *tensor.Dense {
	return tensor.New(tensor.WithShape(len(ids)), tensor.WithBacking(append([]int(nil), ids...)))
}

// letFloats binds vals, converted to dt, to n.
func letFloats(n *G.Node, dt tensor.Dtype, vals []float64, shape ...int) error {
	var t *tensor.Dense
	if dt == tensor.Float32 {
		f := make([]float32, len(vals))
		for i, v := range vals {
			f[i] = float32(v)
		}
		t = tensor.New(tensor.WithShape(shape...), tensor.WithBacking(f))
	} else {
		t = tensor.New(tensor.WithShape(shape...), tensor.WithBacking(append([]float64(nil), vals...)))
	}
	if err := G.Let(n, t); err != nil {
		return fmt.Errorf("bind %s: %w", n.Name(), err)
	}
	return nil
}
