package graph

import (
	"math/bits"

	"gorgonia.org/tensor"
)

// Pool recycles the output buffers of the project's ops from one run of a
// training graph to the next. Gorgonia's tape machine drops every
// intermediate when it is reset, so without a pool each step allocates (and
// the collector frees) a whole forward and backward pass, about 75 MB for
// the tiny model.
//
// Buffers are handed out in power-of-two size classes, so graphs of
// different batch shapes share them. Recycle returns every buffer handed out
// since the last Recycle: call it only when no value of the previous run is
// still needed (a trainer calls it before each run, after the previous
// run's loss and gradients were consumed). A Pool is not safe for concurrent
// use; give each worker its own.
type Pool struct {
	free32 map[int][][]float32
	free64 map[int][][]float64
	used32 [][]float32
	used64 [][]float64
}

// NewPool returns an empty pool.
func NewPool() *Pool {
	return &Pool{free32: map[int][][]float32{}, free64: map[int][][]float64{}}
}

// Recycle makes every buffer handed out since the last call available again.
func (p *Pool) Recycle() {
	for _, b := range p.used32 {
		c := sizeClass(cap(b))
		p.free32[c] = append(p.free32[c], b[:cap(b)])
	}
	for _, b := range p.used64 {
		c := sizeClass(cap(b))
		p.free64[c] = append(p.free64[c], b[:cap(b)])
	}
	p.used32, p.used64 = p.used32[:0], p.used64[:0]
}

// sizeClass is the exponent of the smallest power of two >= n.
func sizeClass(n int) int { return bits.Len(uint(max(n, 1) - 1)) }

// take pops a buffer of n elements from free (or allocates one of n's size
// class), records it in used and zeroes it when asked.
func take[T float](free map[int][][]T, used *[][]T, n int, zero bool) []T {
	c := sizeClass(n)
	var b []T
	if s := free[c]; len(s) > 0 {
		b, free[c] = s[len(s)-1][:n], s[:len(s)-1]
		if zero {
			clear(b)
		}
	} else {
		b = make([]T, n, 1<<c)
	}
	*used = append(*used, b)
	return b
}

// dense returns a tensor of dtype dt and the given shape backed by a pooled
// buffer, zeroed when zero is set (kernels that accumulate need it).
func (p *Pool) dense(dt tensor.Dtype, shape tensor.Shape, zero bool) *tensor.Dense {
	n := shape.TotalSize()
	switch dt {
	case tensor.Float32:
		return tensor.New(tensor.WithShape(shape.Clone()...), tensor.WithBacking(take(p.free32, &p.used32, n, zero)))
	case tensor.Float64:
		return tensor.New(tensor.WithShape(shape.Clone()...), tensor.WithBacking(take(p.free64, &p.used64, n, zero)))
	}
	return tensor.New(tensor.Of(dt), tensor.WithShape(shape.Clone()...))
}

// pooled is implemented by the project's ops (through opBase): it sets the
// pool their outputs are drawn from.
type pooled interface{ setPool(*Pool) }

// UsePool makes every op of the builder's graph (gradient ops included, so
// call it after G.Grad) draw its outputs from p. Gorgonia's own ops are
// unaffected.
func (b *Builder) UsePool(p *Pool) {
	for _, n := range b.G.AllNodes() {
		if op, ok := n.Op().(pooled); ok {
			op.setPool(p)
		}
	}
}

// newOut returns an op's output tensor: from the op's pool when it has one,
// freshly allocated (and zeroed) otherwise. zero asks for zeroed memory from
// the pool too.
func (o *opBase) newOut(dt tensor.Dtype, shape tensor.Shape, zero bool) *tensor.Dense {
	if o.pool == nil {
		return tensor.New(tensor.Of(dt), tensor.WithShape(shape.Clone()...))
	}
	return o.pool.dense(dt, shape, zero)
}

func (o *opBase) setPool(p *Pool) { o.pool = p }

var _ pooled = (*matMulOp)(nil) // ops are pointers so that UsePool can set their pool
