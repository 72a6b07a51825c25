package graph

import (
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// projectedXent is the output projection and loss of a model: logits =
// x·embᵀ (6, 5), cross-entropy against targets with a pad row. With copy
// set the logits pass through Gorgonia's x+0 first, an op the gradient may
// not overwrite the output of, so the cross-entropy gradient gets a buffer
// of its own: the reference for the in-place run.
func projectedXent(b *Builder, copy bool) *G.Node {
	logits := b.MatMulT(b.Param("x"), b.Param("emb"), false, true) // (6, 5)
	if copy {
		zero := G.NewConstant(0.0)
		if b.Dtype() == tensor.Float32 {
			zero = G.NewConstant(float32(0))
		}
		logits = G.Must(G.Add(logits, zero))
	}
	return b.CrossEntropy(logits, b.Constant("t", []float64{1, 2, 0, 4, 3, 0}, 6), 0.1, 0)
}

// runProjected builds projectedXent, runs it with gradients and returns the
// loss, the gradients of x and emb, the graph's pool need and whether the
// cross-entropy gradient shared the logits' buffer.
func runProjected(t *testing.T, ps *Params, copy bool) (loss float64, grads [][]float64, need Need, shared bool) {
	t.Helper()
	b := NewBuilder(ps, true)
	var cost *G.Node
	if err := b.Build(func(b *Builder) { cost = projectedXent(b, copy) }); err != nil {
		t.Fatal(err)
	}
	_, nodes := b.ParamNodes()
	if _, err := G.Grad(cost, nodes...); err != nil {
		t.Fatal(err)
	}
	pool := NewPool()
	b.UsePool(pool)
	m := G.NewTapeMachine(b.G, G.BindDualValues(nodes...))
	defer m.Close()
	if err := m.RunAll(); err != nil {
		t.Fatal(err)
	}
	loss, err := scalarOf(cost.Value())
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range nodes {
		g, err := n.Grad()
		if err != nil {
			t.Fatal(err)
		}
		grads = append(grads, Float64s(g.(tensor.Tensor)))
	}
	// The (6, 5) nodes are the logits (and their copy) and their gradient.
	var grad *G.Node
	var others []*G.Node
	for _, n := range b.G.AllNodes() {
		if n.Op() == nil || !n.Shape().Eq(tensor.Shape{6, 5}) {
			continue
		}
		if _, ok := n.Op().(*xentGradOp); ok {
			grad = n
		} else {
			others = append(others, n)
		}
	}
	for _, n := range others {
		shared = shared || sameBacking(grad.Value(), n.Value())
	}
	return loss, grads, b.PoolNeed(), shared
}

// sameBacking reports whether two float32 or float64 values share their
// first element.
func sameBacking(a, b G.Value) bool {
	switch x := a.Data().(type) {
	case []float32:
		y, ok := b.Data().([]float32)
		return ok && len(x) > 0 && len(y) > 0 && &x[0] == &y[0]
	case []float64:
		y, ok := b.Data().([]float64)
		return ok && len(x) > 0 && len(y) > 0 && &x[0] == &y[0]
	}
	return false
}

// TestCrossEntropyGradientInPlace checks that the cross-entropy gradient of
// a projection's logits is written over them (one (N, V) buffer, not two:
// the pool need drops by one), with bitwise the loss and gradients of a run
// that gives it a buffer of its own, in float32 and float64.
func TestCrossEntropyGradientInPlace(t *testing.T) {
	for _, dt := range []tensor.Dtype{tensor.Float64, tensor.Float32} {
		ps := NewParams(dt)
		rng := NewRNG(7)
		for _, p := range []struct {
			name  string
			shape []int
		}{{"x", []int{6, 8}}, {"emb", []int{5, 8}}} {
			if _, err := ps.Add(p.name, p.shape, NormalInit(1), rng); err != nil {
				t.Fatal(err)
			}
		}
		loss, grads, need, shared := runProjected(t, ps, false)
		wantLoss, wantGrads, refNeed, refShared := runProjected(t, ps, true)
		if !shared || refShared {
			t.Fatalf("%v: gradient over the logits: %t (reference %t), want true (false)", dt, shared, refShared)
		}
		if loss != wantLoss {
			t.Errorf("%v: loss %v, want %v", dt, loss, wantLoss)
		}
		for i := range wantGrads {
			for j := range wantGrads[i] {
				if grads[i][j] != wantGrads[i][j] {
					t.Fatalf("%v: gradient %d[%d] = %v, want %v", dt, i, j, grads[i][j], wantGrads[i][j])
				}
			}
		}
		got, want := need.F32+need.F64, refNeed.F32+refNeed.F64
		if dt == tensor.Float32 {
			want -= padded[float32](6 * 5)
		} else {
			want -= padded[float64](6 * 5)
		}
		if got != want {
			t.Errorf("%v: pool need %d elements, want %d (the reference's less one logits buffer)", dt, got, want)
		}
	}
}

// TestProjectedCrossEntropyGradient checks the gradients of x and emb
// through the in-place cross-entropy gradient against central differences.
func TestProjectedCrossEntropyGradient(t *testing.T) {
	ps := randomParams(t, 9, 1, map[string][]int{"x": {6, 8}, "emb": {5, 8}}, "x", "emb")
	rep, err := CheckGradients(ps, func(b *Builder) *G.Node { return projectedXent(b, false) }, nil, CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Max() > 1e-6 {
		t.Errorf("projected cross-entropy gradient:\n%s", rep)
	}
}
