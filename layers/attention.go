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
	q := a.Q.Forward(b, query)  // (B*Tq, D), head h in columns h*dh..
	k := a.K.Forward(b, memory) // (B*Tk, D)
	v := a.V.Forward(b, memory) // (B*Tk, D)
	dh := a.Dim / a.Heads
	scores := b.HeadScores(q, k, batch, a.Heads)                     // (B*H, Tq, Tk)
	probs := b.MaskedSoftmax(scores, mask, 1/math.Sqrt(float64(dh))) // (B*H, Tq, Tk)
	b.Tag(a.ProbsTag(), probs)
	ctx := b.HeadContext(probs, v, batch, a.Heads) // (B*Tq, D)
	return a.O.Forward(b, ctx)
}

// ProbsTag is the builder tag of the attention's (B*H, Tq, Tk)
// probabilities, "<name>.probs": Forward tags them so that a graph's
// attention can be read back (train's Translator.Attention does).
func (a *MultiHeadAttention) ProbsTag() string { return a.Name + ".probs" }
