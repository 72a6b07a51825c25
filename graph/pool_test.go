package graph

import (
	"math"
	"testing"

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
	p := b.Softmax(b.HeadScores(s, s, batch, heads), 0.5)               // (4, 3, 3)
	ctx := b.HeadContext(b.BMM(p, p, false, true), s, batch, heads)     // (6, 8)
	logits := b.MatMulT(ctx, b.Param("emb"), false, true)               // (6, 5)
	targets := b.Constant("targets", []float64{1, 2, 0, 4, 3, 0}, 6)
	return b.CrossEntropy(logits, targets, 0.1, 0)
}

// runProbe builds the probe over ps (with pool when given), runs it runs
// times with the same dropout masks, recycling the pool and filling its free
// buffers with NaN between runs, and returns the last loss and gradients
// (zeroed after each run, as the optimizer does).
func runProbe(t *testing.T, ps *Params, pool *Pool, runs int) (float64, [][]float64) {
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

// poison fills every free buffer of p with NaN, so an op that reads its
// output before writing all of it is caught.
func poison(p *Pool) {
	for _, bufs := range p.free64 {
		for _, b := range bufs {
			for i := range b {
				b[i] = math.NaN()
			}
		}
	}
}

// TestPoolReuseMatchesFreshBuffers runs the probe on recycled, NaN-filled
// buffers and requires bitwise the loss and gradients of fresh buffers.
func TestPoolReuseMatchesFreshBuffers(t *testing.T) {
	ps := randomParams(t, 31, 1, map[string][]int{"x": {6, 8}, "g": {8}, "beta": {8}, "w": {8, 8}, "bias": {8}, "emb": {5, 8}},
		"x", "g", "beta", "w", "bias", "emb")
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
	if len(pool.used64) == 0 {
		t.Fatal("the pool handed out no buffers: the ops did not use it")
	}
}

func TestSizeClass(t *testing.T) {
	for _, tc := range []struct{ n, want int }{{0, 0}, {1, 0}, {2, 1}, {3, 2}, {4, 2}, {5, 3}, {1024, 10}, {1025, 11}} {
		if got := sizeClass(tc.n); got != tc.want {
			t.Errorf("sizeClass(%d) = %d, want %d", tc.n, got, tc.want)
		}
	}
}
