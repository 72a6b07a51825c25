package layers

import (
	"math"

	G "gorgonia.org/gorgonia"

	"github.com/seq2seq/transformer/graph"
)

// Embedding maps token ids to vectors scaled by sqrt(D), as in "Attention Is
// All You Need", and adds sinusoidal positions. Parameter: <name>.weight
// (V, D), initialised N(0, 1/D) as in fairseq so the scaled embedding starts
// at unit scale.
type Embedding struct {
	Weight       string
	Vocab, Dim   int
	MaxPositions int
}

// NewEmbedding registers an embedding table of vocab rows of width dim.
func NewEmbedding(ps *graph.Params, name string, vocab, dim, maxPositions int, rng *graph.RNG) (*Embedding, error) {
	e := &Embedding{Weight: name + ".weight", Vocab: vocab, Dim: dim, MaxPositions: maxPositions}
	if _, err := ps.Add(e.Weight, []int{vocab, dim}, graph.NormalInit(1/math.Sqrt(float64(dim))), rng); err != nil {
		return nil, err
	}
	return e, nil
}

// Forward embeds ids, an Int node (B*T), into (B*T, D):
// weight[id]·sqrt(D) + PE[t], as one fused op (graph.Embed; the product is
// rounded to the dtype before the sum, as train/infer computes it).
func (e *Embedding) Forward(b *graph.Builder, ids *G.Node, batch, length int) *G.Node {
	pe := b.Constant("positions", Positions(1, length, e.Dim), length, e.Dim) // (T, D), repeated per sentence
	return b.Embed(b.Param(e.Weight), ids, pe, math.Sqrt(float64(e.Dim)))
}

// Positions returns the sinusoidal encoding PE[t, 2i] = sin(t/10000^(2i/D)),
// PE[t, 2i+1] = cos(t/10000^(2i/D)), tiled for batch sentences: (B*T, D)
// flattened row-major.
func Positions(batch, length, dim int) []float64 {
	out := make([]float64, batch*length*dim)
	for t := 0; t < length; t++ {
		row := out[t*dim : (t+1)*dim]
		for i := 0; i < dim; i += 2 {
			angle := float64(t) / math.Pow(10000, float64(i)/float64(dim))
			row[i] = math.Sin(angle)
			if i+1 < dim {
				row[i+1] = math.Cos(angle)
			}
		}
	}
	for s := 1; s < batch; s++ {
		copy(out[s*length*dim:(s+1)*length*dim], out[:length*dim])
	}
	return out
}
