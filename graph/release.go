package graph

import (
	"sync"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Release drops the values a run left on the graph's op nodes. Gorgonia
// keeps every intermediate result bound to its node until the next run, so
// each cached graph would otherwise hold a whole forward and backward pass.
// Each op node is rebound to a header
// over one zero buffer shared by every graph of the process (it is only
// read); its next run binds a fresh result as usual. Inputs, parameters and
// their gradients are untouched. Call it after the outputs and gradients of
// a run have been read.
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

// placeholder returns a tensor of the given shape over the shared zero
// buffer of dtype dt.
func (b *Builder) placeholder(dt tensor.Dtype, shape tensor.Shape) (*tensor.Dense, bool) {
	size := shape.TotalSize()
	switch dt {
	case tensor.Float32:
		if len(b.zeros32) < size {
			b.zeros32 = sharedZeros(&zeros.f32, size)
		}
		return tensor.New(tensor.WithShape(shape.Clone()...), tensor.WithBacking(b.zeros32[:size:size])), true
	case tensor.Float64:
		if len(b.zeros64) < size {
			b.zeros64 = sharedZeros(&zeros.f64, size)
		}
		return tensor.New(tensor.WithShape(shape.Clone()...), tensor.WithBacking(b.zeros64[:size:size])), true
	}
	return nil, false
}

// zeros holds the process's shared zero buffers, grown to the largest node
// any graph released. Builders keep the slice they last got, so the lock is
// taken only when a builder needs a longer one.
var zeros struct {
	sync.Mutex
	f32 []float32
	f64 []float64
}

// sharedZeros returns the shared zero buffer *buf, first replacing it by
// one of at least n elements, and at least twice as long, if it is shorter
// (so that the superseded buffers, which stay valid for the placeholders
// over them, add up to less than the current one). The buffers come from
// readOnlyZeros: where the system provides them they are read-only pages
// outside the Go heap, which take no resident memory and do not count
// towards the collector's heap goal (at a 10k vocabulary the buffer is over
// 100 MB).
func sharedZeros[T float](buf *[]T, n int) []T {
	zeros.Lock()
	defer zeros.Unlock()
	if len(*buf) < n {
		*buf = readOnlyZeros[T](max(n, 2*len(*buf)))
	}
	return *buf
}
