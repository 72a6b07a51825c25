package layers

import (
	"fmt"
	"math"

	G "gorgonia.org/gorgonia"

	"github.com/seq2seq/transformer/graph"
)

// MultiHeadAttention is scaled dot-product attention over Heads heads:
// softmax(Q·Kᵀ/sqrt(dh) + mask)·V per head, heads concatenated and projected.
// Parameters: <name>.{q,k,v,o}.{weight,bias}, each weight (D, D).
//
// The mask is additive, 0 where attention is allowed and -Inf where it is
// not, of shape (Bm, Mq, Tk) with Bm in {1, B} and Mq in {1, Tq}: a key
// padding mask is (B, 1, Tk), a causal mask (1, T, T). It is shared by all
// heads. A query whose every key is masked attends to nothing and gets a zero
// context, never NaN.
type MultiHeadAttention struct {
	Q, K, V, O *Linear
	Heads, Dim int
	Name       string
}

// NewMultiHeadAttention registers an attention layer of width dim with heads
// heads; dim must be divisible by heads.
func NewMultiHeadAttention(ps *graph.Params, name string, dim, heads int, rng *graph.RNG) (*MultiHeadAttention, error) {
	if heads <= 0 || dim%heads != 0 {
		return nil, fmt.Errorf("attention %s: %d heads do not divide width %d", name, heads, dim)
	}
	a := &MultiHeadAttention{Heads: heads, Dim: dim, Name: name}
	for _, p := range []struct {
		l   **Linear
		sub string
	}{{&a.Q, "q"}, {&a.K, "k"}, {&a.V, "v"}, {&a.O, "o"}} {
		l, err := NewLinear(ps, name+"."+p.sub, dim, dim, rng)
		if err != nil {
			return nil, err
		}
		*p.l = l
	}
	return a, nil
}

// Forward attends from query (B*Tq, D) to memory (B*Tk, D) under mask and
// returns (B*Tq, D). For self-attention pass the same node as query and
// memory. The attention probabilities (B*H, Tq, Tk) are tagged
// "<name>.probs" on the builder.
func (a *MultiHeadAttention) Forward(b *graph.Builder, query, memory, mask *G.Node, batch, tq, tk int) *G.Node {
	q := a.splitHeads(b, a.Q.Forward(b, query), batch, tq)  // (B*H, Tq, dh)
	k := a.splitHeads(b, a.K.Forward(b, memory), batch, tk) // (B*H, Tk, dh)
	v := a.splitHeads(b, a.V.Forward(b, memory), batch, tk) // (B*H, Tk, dh)
	dh := a.Dim / a.Heads
	scores := b.BMM(q, k, false, true)                               // (B*H, Tq, Tk)
	probs := b.MaskedSoftmax(scores, mask, 1/math.Sqrt(float64(dh))) // (B*H, Tq, Tk)
	b.Tag(a.Name+".probs", probs)
	ctx := b.BMM(probs, v, false, false) // (B*H, Tq, dh)
	return a.O.Forward(b, a.mergeHeads(b, ctx, batch, tq))
}

// splitHeads turns (B*T, D) into (B*H, T, dh): one permuting copy, the
// same as reshape (B, T, H, dh) → transpose (B, H, T, dh) → reshape.
func (a *MultiHeadAttention) splitHeads(b *graph.Builder, x *G.Node, batch, length int) *G.Node {
	return b.SplitHeads(x, batch, length, a.Heads)
}

// mergeHeads turns (B*H, T, dh) back into (B*T, D).
func (a *MultiHeadAttention) mergeHeads(b *graph.Builder, x *G.Node, batch, length int) *G.Node {
	return b.MergeHeads(x, batch, length, a.Heads)
}
