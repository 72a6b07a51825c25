package graph

import (
	"fmt"
	"math"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// DropoutMask is the keep-mask input of one dropout site: each step its value
// is redrawn from the project's RNG, each element 1/(1-P) with probability
// 1-P and 0 otherwise, and the activation is multiplied by it. Gorgonia's own
// Dropout is clock-seeded and has a wrong gradient; a fed mask is exact and
// reproducible.
type DropoutMask struct {
	Node *G.Node
	P    float64
	buf  *tensor.Dense
}

// Dropout returns x with inverted dropout of probability p applied, or x
// itself when the builder is not training or p is 0.
func (b *Builder) Dropout(x *G.Node, p float64) *G.Node {
	if !b.Train || p == 0 {
		return x
	}
	return b.Mul(x, b.dropoutMask(x, p))
}

// dropoutMask registers a new dropout site of probability p shaped like x
// and returns its mask input.
func (b *Builder) dropoutMask(x *G.Node, p float64) *G.Node {
	name := fmt.Sprintf("dropout.%d", len(b.dropouts))
	m := &DropoutMask{P: p, Node: b.Input(name, b.Dtype(), x.Shape().Clone()...)}
	m.buf = tensor.New(tensor.Of(b.Dtype()), tensor.WithShape(x.Shape().Clone()...))
	b.dropouts = append(b.dropouts, m)
	return m.Node
}

// fillMask sets each element of d to keep when the next draw's top 53 bits
// reach threshold, to 0 otherwise.
func fillMask[T float](d []T, rng *RNG, threshold uint64, keep T) {
	for i := range d {
		if rng.Uint64()>>11 >= threshold {
			d[i] = keep
		} else {
			d[i] = 0
		}
	}
}

// Dropouts returns the graph's dropout sites in creation order.
func (b *Builder) Dropouts() []*DropoutMask { return b.dropouts }

// FillDropout draws a fresh keep-mask for every dropout site, in creation
// order, from rng, and binds it to its node.
func (b *Builder) FillDropout(rng *RNG) error {
	for _, m := range b.dropouts {
		keep := 1 / (1 - m.P)
		// rng.Float64() >= P, decided on the same 53 bits without the
		// conversion: (u >> 11) / 2⁵³ >= P  ⟺  u >> 11 >= ceil(P·2⁵³).
		threshold := uint64(math.Ceil(m.P * (1 << 53)))
		switch d := m.buf.Data().(type) {
		case []float32:
			fillMask(d, rng, threshold, float32(keep))
		case []float64:
			fillMask(d, rng, threshold, keep)
		}
		if err := G.Let(m.Node, m.buf); err != nil {
			return fmt.Errorf("bind dropout mask %s: %w", m.Node.Name(), err)
		}
	}
	return nil
}
