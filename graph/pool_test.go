package graph

import (
	"math"
	"testing"
	"unsafe"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// poolProbe is a small graph through every pooled op: layer norm, affine,
// ReLU and residual dropout, per-head and plain batched products, softmax,
// tied-style output product and cross-entropy with a pad target.
func poolProbe(b *Builder) *G.Node {
	const batch, length, heads = 2, 3, 2
	x := b.Param("x")                                                   // (6, 8)
	h := b.LayerNorm(x, b.Param("g"), b.Param("beta"), 1e-5)            // (6, 8)
	r := b.ReLUDropout(b.Affine(h, b.Param("w"), b.Param("bias")), 0.2) // (6, 8)
	s := b.AddDropout(x, r, 0.2)                                        // (6, 8)
	p := b.softmax(b.HeadScores(s, s, batch, heads), 0.5)               // (4, 3, 3)
	ctx := b.HeadContext(b.bmm(p, p, false, true), s, batch, heads)     // (6, 8)
	logits := b.MatMulT(ctx, b.Param("emb"), false, true)               // (6, 5)
	targets := b.Constant("targets", []float64{1, 2, 0, 4, 3, 0}, 6)
	return b.CrossEntropy(logits, targets, 0.1, 0)
}

// probeParams returns the float64 parameters poolProbe reads.
func probeParams(t *testing.T) *Params {
	t.Helper()
	return randomParams(t, 31, 1, map[string][]int{"x": {6, 8}, "g": {8}, "beta": {8}, "w": {8, 8}, "bias": {8}, "emb": {5, 8}},
		"x", "g", "beta", "w", "bias", "emb")
}

// buildProbe builds poolProbe over ps on a training builder and
// differentiates it with respect to every parameter.
func buildProbe(t *testing.T, ps *Params) (*Builder, *G.Node, G.Nodes) {
	t.Helper()
	b := NewBuilder(ps, true)
	var cost *G.Node
	if err := b.Build(func(b *Builder) { cost = poolProbe(b) }); err != nil {
		t.Fatal(err)
	}
	_, nodes := b.ParamNodes()
	if _, err := G.Grad(cost, nodes...); err != nil {
		t.Fatal(err)
	}
	return b, cost, nodes
}

// runProbe builds the probe over ps (with pool when given), runs it runs
// times with the same dropout masks, recycling the pool and filling its free
// buffers with NaN between runs, and returns the last loss and gradients
// (zeroed after each run, as the optimizer does).
func runProbe(t *testing.T, ps *Params, pool *Pool, runs int) (float64, [][]float64) {
	t.Helper()
	b, cost, nodes := buildProbe(t, ps)
	if pool != nil {
		b.UsePool(pool)
	}
	m := G.NewTapeMachine(b.G, G.BindDualValues(nodes...))
	defer m.Close()
	var loss float64
	var grads [][]float64
	for i := 0; i < runs; i++ {
		if err := b.FillDropout(NewRNG(4)); err != nil {
			t.Fatal(err)
		}
		m.Reset()
		if pool != nil {
			pool.Recycle()
			poison(pool)
		}
		if err := m.RunAll(); err != nil {
			t.Fatal(err)
		}
		var err error
		if loss, err = scalarOf(cost.Value()); err != nil {
			t.Fatal(err)
		}
		grads = grads[:0]
		for _, n := range nodes {
			g, err := n.Grad()
			if err != nil {
				t.Fatal(err)
			}
			grads = append(grads, append([]float64(nil), Float64s(g.(tensor.Tensor))...))
			// Gorgonia adds each run's gradient into the dual value: zero it,
			// as the optimizer does after its update.
			clear(g.Data().([]float64))
		}
	}
	return loss, grads
}

// poison fills p's slab, free after a Recycle, with NaN, so an op that
// reads its output before writing all of it is caught.
func poison(p *Pool) {
	for i := range p.f64.slab {
		p.f64.slab[i] = math.NaN()
	}
}

// TestPoolReuseMatchesFreshBuffers runs the probe on recycled, NaN-filled
// buffers and requires bitwise the loss and gradients of fresh buffers.
func TestPoolReuseMatchesFreshBuffers(t *testing.T) {
	ps := probeParams(t)
	wantLoss, wantGrads := runProbe(t, ps, nil, 1)
	pool := NewPool()
	loss, grads := runProbe(t, ps, pool, 3)
	if math.IsNaN(wantLoss) || loss != wantLoss {
		t.Fatalf("loss on recycled buffers %v, fresh %v", loss, wantLoss)
	}
	for i := range wantGrads {
		for j := range wantGrads[i] {
			if grads[i][j] != wantGrads[i][j] {
				t.Fatalf("gradient %d[%d] on recycled buffers %v, fresh %v", i, j, grads[i][j], wantGrads[i][j])
			}
		}
	}
	if pool.f64.used == 0 || pool.f64.short != 0 {
		t.Fatalf("the last run took %d elements from the slab and %d fresh: the ops did not use it", pool.f64.used, pool.f64.short)
	}
}

// TestArenaCycles takes cycles of buffers of mixed sizes and checks that
// the pieces are disjoint and start on 64-byte boundaries of the slab,
// that zero clears reused memory, that a cycle which did not fit fits once
// recycled, and that then every cycle runs without allocating and the
// slab is exactly the largest cycle.
func TestArenaCycles(t *testing.T) {
	var a arena[float32]
	cycles := [][]int{{100, 3000, 17}, {5000, 1, 1, 64}, {100, 3000, 17}, {16, 16}, {700, 4000, 900}}
	largest := 0
	for _, sizes := range cycles {
		n := 0
		for _, s := range sizes {
			n += padded[float32](s)
		}
		largest = max(largest, n)
	}
	for round := 0; round < 2; round++ {
		for i, sizes := range cycles {
			var bufs [][]float32
			for _, n := range sizes {
				b := a.take(n, true)
				if len(b) != n || cap(b) != n {
					t.Fatalf("cycle %d: take(%d) gave len %d cap %d", i, n, len(b), cap(b))
				}
				for j, x := range b {
					if x != 0 {
						t.Fatalf("cycle %d: take(%d, zero) element %d = %v", i, n, j, x)
					}
				}
				for j := range b {
					b[j] = float32(len(bufs) + 1)
				}
				bufs = append(bufs, b)
			}
			if round == 1 && a.short != 0 {
				t.Errorf("round 2, cycle %d: %d elements found no room", i, a.short)
			}
			for k, b := range bufs {
				for j, x := range b {
					if x != float32(k+1) {
						t.Fatalf("cycle %d: buffer %d element %d = %v: buffers overlap", i, k, j, x)
					}
				}
				if len(a.slab) == 0 {
					continue
				}
				start := uintptr(unsafe.Pointer(&a.slab[0]))
				if p := uintptr(unsafe.Pointer(&b[0])); p >= start && p < start+4*uintptr(len(a.slab)) && (p-start)%64 != 0 {
					t.Errorf("cycle %d: buffer %d does not start on a 64-byte boundary of the slab", i, k)
				}
			}
			a.recycle()
		}
	}
	if a.size != largest || len(a.slab) != largest {
		t.Errorf("slab of %d elements (size %d) for a largest cycle of %d", len(a.slab), a.size, largest)
	}
	allocs := testing.AllocsPerRun(10, func() {
		for _, sizes := range cycles {
			for _, n := range sizes {
				a.take(n, false)
			}
			a.recycle()
		}
	})
	if allocs != 0 {
		t.Errorf("cycles within the slab allocated %v times, want 0", allocs)
	}
}

// TestReleaseRebindsToSharedZeros runs the probe on two graphs, releases
// both and checks that every op node of either now holds zeros over one
// buffer shared by both graphs (so a released graph keeps no run's values),
// and that a graph run again after Release gives the same loss.
func TestReleaseRebindsToSharedZeros(t *testing.T) {
	ps := probeParams(t)
	var backing *float64
	for i := 0; i < 2; i++ {
		b, cost, nodes := buildProbe(t, ps)
		b.UsePool(NewPool())
		m := G.NewTapeMachine(b.G, G.BindDualValues(nodes...))
		var losses []float64
		for run := 0; run < 2; run++ {
			if err := b.FillDropout(NewRNG(4)); err != nil {
				t.Fatal(err)
			}
			m.Reset()
			if err := m.RunAll(); err != nil {
				t.Fatal(err)
			}
			loss, err := scalarOf(cost.Value())
			if err != nil {
				t.Fatal(err)
			}
			losses = append(losses, loss)
			m.Reset()
			if err := b.Release(); err != nil {
				t.Fatal(err)
			}
		}
		m.Close()
		if losses[0] != losses[1] {
			t.Errorf("graph %d: loss %v after Release, %v before", i, losses[1], losses[0])
		}
		released := 0
		for _, n := range b.G.AllNodes() {
			if n.Op() == nil || n.IsScalar() {
				continue
			}
			d := n.Value().Data().([]float64)
			if backing == nil {
				backing = &d[0]
			}
			if &d[0] != backing {
				t.Fatalf("graph %d: node %v holds its own buffer after Release, not the shared zeros", i, n)
			}
			for _, x := range d {
				if x != 0 {
					t.Fatalf("graph %d: node %v holds %v after Release", i, n, x)
				}
			}
			released++
		}
		if released == 0 {
			t.Fatalf("graph %d: no op node checked", i)
		}
	}
}

// TestPoolNeedIsWhatARunDraws checks that PoolNeed counts exactly what a
// run of the probe draws, so that a pool reserved with it serves the run
// from its slab alone.
func TestPoolNeedIsWhatARunDraws(t *testing.T) {
	ps := probeParams(t)
	b, _, nodes := buildProbe(t, ps)
	pool := NewPool()
	b.UsePool(pool)
	need := b.PoolNeed()
	if need.F64 == 0 || need.F32 != 0 {
		t.Fatalf("PoolNeed of a float64 graph = %+v", need)
	}
	pool.Reserve(need)
	if pool.Bytes() != 8*need.F64 {
		t.Fatalf("reserved %d bytes for %+v", pool.Bytes(), need)
	}
	m := G.NewTapeMachine(b.G, G.BindDualValues(nodes...))
	defer m.Close()
	if err := b.FillDropout(NewRNG(4)); err != nil {
		t.Fatal(err)
	}
	if err := m.RunAll(); err != nil {
		t.Fatal(err)
	}
	if pool.f64.used != need.F64 || pool.f64.short != 0 {
		t.Errorf("the run drew %v elements from the slab and %d fresh; PoolNeed said %d", pool.f64.used, pool.f64.short, need.F64)
	}
}
