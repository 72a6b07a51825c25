package graph

import (
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Release drops the values a run left on the graph's op nodes. Gorgonia
// keeps every intermediate result bound to its node until the next run, so
// each cached graph would otherwise hold a whole forward and backward pass
// (about 200 MB for the tiny model). Each op node is rebound to a header
// over one shared zero buffer; its next run binds a fresh result as usual.
// Inputs, parameters and their gradients are untouched. Call it after the
// outputs and gradients of a run have been read.
func (b *Builder) Release() error {
	for _, n := range b.G.AllNodes() {
		if n.Op() == nil || n.IsScalar() {
			continue
		}
		shape := n.Shape()
		if shape.TotalSize() == 0 {
			continue
		}
		p, ok := b.placeholder(n.Dtype(), shape)
		if !ok {
			continue
		}
		if err := G.UnsafeLet(n, p); err != nil {
			return err
		}
	}
	return nil
}

// placeholder returns a tensor of the given shape over the builder's shared
// zero buffer of dtype dt.
func (b *Builder) placeholder(dt tensor.Dtype, shape tensor.Shape) (*tensor.Dense, bool) {
	size := shape.TotalSize()
	switch dt {
	case tensor.Float32:
		if len(b.zeros32) < size {
			b.zeros32 = make([]float32, size)
		}
		return tensor.New(tensor.WithShape(shape.Clone()...), tensor.WithBacking(b.zeros32[:size])), true
	case tensor.Float64:
		if len(b.zeros64) < size {
			b.zeros64 = make([]float64, size)
		}
		return tensor.New(tensor.WithShape(shape.Clone()...), tensor.WithBacking(b.zeros64[:size])), true
	}
	return nil, false
}
