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
// itself when the builder is not training or p is 0. The product x ⊙ mask
// is the pooled MaskMul op, whose gradient is dy ⊙ mask alone (Gorgonia's
// HadamardProd clones x, and its backward pass also computes the unused
// gradient of the mask).
func (b *Builder) Dropout(x *G.Node, p float64) *G.Node {
	if !b.Train || p == 0 {
		return x
	}
	n, err := G.ApplyOp(&maskMulOp{}, x, b.dropoutMask(x, p))
	return b.must("dropout", n, err)
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

// maskThreshold is the 32-bit threshold of drop probability p: a 32-bit
// draw u is kept when u >= ceil(p·2³²), so the drop rate is p rounded up to
// a multiple of 2⁻³² (at most 2.4e-10 above p). p = 0 gives 0 (every
// element kept); p < 1 gives at most 2³².
func maskThreshold(p float64) uint64 { return uint64(math.Ceil(p * (1 << 32))) }

// fillMask sets each element of d to keep or 0 with two decisions per
// 64-bit draw of rng: element 2k is decided by the low 32 bits of draw k,
// element 2k+1 by its high 32 bits (an odd last element by the low half of
// one more draw, whose high half is discarded), and kept when those bits
// as an integer u reach threshold. The store is branchless: u - threshold
// wraps round, setting bit 63, exactly when u < threshold (both are at most
// 2³²), and that bit indexes {keep, 0}. The generator's state stays in
// locals for the whole loop and is written back at the end, so rng
// continues exactly ceil(len(d)/2) draws further on.
func fillMask[T float](d []T, rng *RNG, threshold uint64, keep T) {
	vals := [2]T{keep, 0}
	s0, s1, s2, s3 := rng.s[0], rng.s[1], rng.s[2], rng.s[3]
	var u uint64
	for len(d) >= 2 {
		u, s0, s1, s2, s3 = xoshiro(s0, s1, s2, s3)
		d[0] = vals[(u&(1<<32-1)-threshold)>>63]
		d[1] = vals[(u>>32-threshold)>>63]
		d = d[2:]
	}
	if len(d) == 1 {
		u, s0, s1, s2, s3 = xoshiro(s0, s1, s2, s3)
		d[0] = vals[(u&(1<<32-1)-threshold)>>63]
	}
	rng.s = [4]uint64{s0, s1, s2, s3}
}

// Dropouts returns the graph's dropout sites in creation order.
func (b *Builder) Dropouts() []*DropoutMask { return b.dropouts }

// FillDropout draws a fresh keep-mask for every dropout site, in creation
// order, from rng, and binds it to its node. Each element is kept with
// probability 1 - P (P rounded up to a multiple of 2⁻³², see maskThreshold)
// and then holds 1/(1-P); two elements are decided per 64-bit draw (see
// fillMask), so a site of n elements advances rng by ceil(n/2) draws. The
// masks are a deterministic function of rng's state. (Until this scheme,
// each element took one draw compared on 53 bits: the same seed now gives
// different masks than it did then.)
func (b *Builder) FillDropout(rng *RNG) error {
	for _, m := range b.dropouts {
		keep := 1 / (1 - m.P)
		threshold := maskThreshold(m.P)
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
