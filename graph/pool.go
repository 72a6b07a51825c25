package graph

import (
	"fmt"
	"runtime/debug"
	"unsafe"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Pool recycles the output buffers of the project's ops from one run of a
// training graph to the next. Gorgonia's tape machine drops every
// intermediate when it is reset, so without a pool each step allocates (and
// the collector frees) a whole forward and backward pass.
//
// A Pool is an arena: the buffers of one cycle (the takes between two calls
// of Recycle) are consecutive pieces of one slab, whatever their sizes, so
// graphs of different batch shapes share it and the pool holds what the
// largest cycle needs, no more. A cycle that outgrows the slab gets fresh
// buffers for the rest (garbage once dropped), and the next Recycle replaces
// the slab by one that holds the whole cycle; Reserve does so ahead of a
// cycle whose draw is known (Builder.PoolNeed). A slab is one piece, not
// chunks added as it grows, because first-fit placement of large buffers
// into several chunks leaves gaps (at a 10k vocabulary, chunks summed to
// 1.4 times the largest cycle). The slab it replaces is returned to the
// system at once (runtime/debug.FreeOSMemory), so that growing does not
// hold both: it happens when a batch shape larger than all before comes,
// a few times a run. Recycle returns every buffer handed out since the last
// Recycle: call it only when no value of the previous cycle is still needed
// (a trainer calls it before each run, after the previous run's loss and
// gradients were consumed). A Pool is not safe for concurrent use; give
// each worker its own.
type Pool struct {
	f32 arena[float32]
	f64 arena[float64]
}

// NewPool returns an empty pool.
func NewPool() *Pool { return &Pool{} }

// Recycle makes every buffer handed out since the last call available again.
func (p *Pool) Recycle() {
	p.f32.recycle()
	p.f64.recycle()
}

// Bytes is the size of the pool's slabs, the memory it keeps between cycles.
func (p *Pool) Bytes() int { return 4*p.f32.size + 8*p.f64.size }

// Need is what one cycle draws from a pool: elements of each dtype, padding
// included.
type Need struct{ F32, F64 int }

// Reserve grows the slabs to hold n if they are smaller. Called right after
// Recycle with what the coming cycle will draw (Builder.PoolNeed), it spares
// that cycle the fresh buffers a slab too small would hand out. (Pieces
// that fit no chunk's rest, the slab being in several chunks, are handed out
// fresh all the same, and the next Recycle adds a chunk for them.)
func (p *Pool) Reserve(n Need) {
	p.f32.reserve(n.F32)
	p.f64.reserve(n.F64)
}

// PoolNeed is what one run of the builder's graph draws from its pool: the
// output of each of the project's ops, one per node and run (scalars, such
// as the loss, are not drawn from the pool).
func (b *Builder) PoolNeed() Need {
	var n Need
	for _, nd := range b.G.AllNodes() {
		if _, ok := nd.Op().(pooled); !ok || nd.IsScalar() {
			continue
		}
		if o, ok := nd.Op().(overwriter); ok && o.overwrites() {
			continue // placed over an input (when Gorgonia finds it dead)
		}
		addNeed(&n, nd.Dtype(), nd.Shape().TotalSize())
	}
	return n
}

// addNeed adds a buffer of size elements of dtype dt to n.
func addNeed(n *Need, dt tensor.Dtype, size int) {
	switch dt {
	case tensor.Float32:
		n.F32 += padded[float32](size)
	case tensor.Float64:
		n.F64 += padded[float64](size)
	}
}

// arena hands out consecutive pieces of one slab, each starting on a
// 64-byte boundary of it.
type arena[T float] struct {
	slab  []T
	used  int // elements handed out this cycle, padding included
	size  int // elements of the slab
	short int // elements this cycle asked for that the slab had no room for
}

// padded rounds n elements of T up to a whole number of 64-byte cache
// lines, the unit in which pieces of a slab are handed out.
func padded[T float](n int) int {
	var x T
	al := 64 / int(unsafe.Sizeof(x))
	return (n + al - 1) / al * al
}

// take returns a buffer of n elements, zeroed when asked (fresh ones always
// are).
func (a *arena[T]) take(n int, zero bool) []T {
	p := padded[T](n)
	if a.used+p > len(a.slab) {
		a.short += p
		return make([]T, n)
	}
	b := a.slab[a.used : a.used+n : a.used+n]
	a.used += p
	if zero {
		clear(b)
	}
	return b
}

// recycle starts a new cycle, first replacing the slab by one that holds
// the whole of the last cycle if it did not.
func (a *arena[T]) recycle() {
	if a.short > 0 {
		a.reserve(a.used + a.short)
	}
	a.used, a.short = 0, 0
}

// reserve replaces the slab by one of n elements if it holds fewer. The
// old slab is dropped and returned to the system before the new one is
// allocated, so the process never holds both.
func (a *arena[T]) reserve(n int) {
	if n <= a.size {
		return
	}
	if a.slab != nil {
		a.slab = nil
		debug.FreeOSMemory()
	}
	a.slab = make([]T, n)
	a.size = n
}

// dense returns a tensor of dtype dt and the given shape backed by a pooled
// buffer, zeroed when zero is set (kernels that accumulate need it).
func (p *Pool) dense(dt tensor.Dtype, shape tensor.Shape, zero bool) *tensor.Dense {
	n := shape.TotalSize()
	switch dt {
	case tensor.Float32:
		return tensor.New(tensor.WithShape(shape.Clone()...), tensor.WithBacking(p.f32.take(n, zero)))
	case tensor.Float64:
		return tensor.New(tensor.WithShape(shape.Clone()...), tensor.WithBacking(p.f64.take(n, zero)))
	}
	return tensor.New(tensor.Of(dt), tensor.WithShape(shape.Clone()...))
}

// overwriter is implemented by ops that may write their output over an
// input's buffer (OverwritesInput >= 0) instead of drawing from the pool.
type overwriter interface{ overwrites() bool }

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

// DrawMasks gives every dropout mask of the builder's graph a new buffer
// from p in place of the one it had, and binds it to the mask's node.
// FillDropout rewrites a mask whole every step, so a graph need not keep its
// own between steps: the graphs of one worker can draw theirs from one pool,
// recycled before each step's masks are drawn. Call it after p.Recycle and
// before FillDropout; the masks are valid until p is recycled again.
func (b *Builder) DrawMasks(p *Pool) error {
	var n Need
	for _, m := range b.dropouts {
		addNeed(&n, m.buf.Dtype(), m.buf.Shape().TotalSize())
	}
	p.Reserve(n)
	for _, m := range b.dropouts {
		m.buf = p.dense(m.buf.Dtype(), m.buf.Shape(), false)
		if err := G.Let(m.Node, m.buf); err != nil {
			return fmt.Errorf("bind dropout mask %s: %w", m.Node.Name(), err)
		}
	}
	return nil
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
