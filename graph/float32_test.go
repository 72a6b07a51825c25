package graph

import (
	"math"
	"slices"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// valueAndGrads builds op, probed by a weighted sum unless scalar, over a registry of dtype dt holding x
// (float32-representable values), runs it forward and backward with the
// dropout masks of a fixed seed and returns the probe's value and x's
// gradient as float64s.
func valueAndGrads(t *testing.T, dt tensor.Dtype, x []float64, shape []int, op func(b *Builder, x *G.Node) *G.Node) (float64, []float64) {
	t.Helper()
	ps := NewParams(dt)
	if _, err := ps.Add("x", shape, func(*RNG, []int) []float64 { return x }, NewRNG(1)); err != nil {
		t.Fatal(err)
	}
	b := NewBuilder(ps, true)
	var cost *G.Node
	if err := b.Build(func(b *Builder) {
		if cost = op(b, b.Param("x")); !cost.IsScalar() {
			cost = weightedSum(b, cost, 4)
		}
	}); err != nil {
		t.Fatal(err)
	}
	_, nodes := b.ParamNodes()
	if _, err := G.Grad(cost, nodes...); err != nil {
		t.Fatal(err)
	}
	if err := b.FillDropout(NewRNG(3)); err != nil {
		t.Fatal(err)
	}
	m := G.NewTapeMachine(b.G, G.BindDualValues(nodes...))
	defer m.Close()
	if err := m.RunAll(); err != nil {
		t.Fatal(err)
	}
	v, err := scalarOf(cost.Value())
	if err != nil {
		t.Fatal(err)
	}
	g, err := nodes[0].Grad()
	if err != nil {
		t.Fatal(err)
	}
	return v, Float64s(g.(tensor.Tensor))
}

// TestFloat32OpsMatchFloat64 runs the ops whose float32 kernels are
// vectorised (package vec) in both dtypes on the same values: rows of 13 and
// 37 elements exercise the eight-lane loops and their tails, a masked key
// and a padded target the special cases.
func TestFloat32OpsMatchFloat64(t *testing.T) {
	ninf := math.Inf(-1)
	softmaxMask := make([]float64, 2*13)
	softmaxMask[12], softmaxMask[13+3] = ninf, ninf
	targets := []int{3, 0, 36, 9}
	tests := []struct {
		name  string
		shape []int
		op    func(b *Builder, x *G.Node) *G.Node
		// ref is the probe's value from a plain float64 definition of the
		// op, independent of the generic kernel both dtypes share; nil for
		// dropout, whose value is fixed by the mask the RNG draws.
		ref func(x []float64) float64
	}{
		{"masked softmax", []int{2, 3, 13}, func(b *Builder, x *G.Node) *G.Node {
			return b.MaskedSoftmax(x, b.Constant("mask", softmaxMask, 2, 1, 13), 0.7)
		}, func(x []float64) float64 {
			return probeSum(refMaskedSoftmax(x, softmaxMask, 2, 1, 3, 13, 1, 0.7), 4)
		}},
		{"cross-entropy", []int{4, 37}, func(b *Builder, x *G.Node) *G.Node {
			return b.CrossEntropy(x, b.Constant("t", []float64{3, 0, 36, 9}, 4), 0.1, 0)
		}, func(x []float64) float64 {
			return referenceXent(slices.Collect(slices.Chunk(x, 37)), targets, 0.1, 0)
		}},
		{"relu dropout", []int{5, 21}, func(b *Builder, x *G.Node) *G.Node { return b.ReLUDropout(x, 0.3) }, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rng := NewRNG(11)
			n := 1
			for _, d := range tc.shape {
				n *= d
			}
			x := make([]float64, n)
			for i := range x {
				x[i] = float64(float32(3 * rng.Normal()))
			}
			v64, g64 := valueAndGrads(t, tensor.Float64, x, tc.shape, tc.op)
			v32, g32 := valueAndGrads(t, tensor.Float32, x, tc.shape, tc.op)
			if math.Abs(v32-v64) > 1e-5*(1+math.Abs(v64)) {
				t.Errorf("value: float32 %v, float64 %v", v32, v64)
			}
			nonzero := 0
			for i := range g64 {
				if math.Abs(g32[i]-g64[i]) > 1e-5*(1+math.Abs(g64[i])) {
					t.Fatalf("gradient at %d: float32 %v, float64 %v", i, g32[i], g64[i])
				}
				if g64[i] != 0 {
					nonzero++
				}
			}
			if tc.ref != nil {
				checkAgainstRef(t, tc.ref, x, v64, g64, v32, g32)
			}
			// ReLU dropout at p = 0.3 leaves about 0.5·0.7 = 35% of them
			// non-zero; the others far more.
			if nonzero < n/5 {
				t.Errorf("only %d of %d gradients are non-zero: the probe does not exercise the op", nonzero, n)
			}
		})
	}
}

// checkAgainstRef compares both dtypes' value and gradient with ref's value
// and its float64 central differences, which share no code with the op.
func checkAgainstRef(t *testing.T, ref func([]float64) float64, x []float64, v64 float64, g64 []float64, v32 float64, g32 []float64) {
	t.Helper()
	want := ref(x)
	for _, c := range []struct {
		dt  string
		v   float64
		g   []float64
		tol float64
	}{{"float64", v64, g64, 1e-12}, {"float32", v32, g32, 1e-5}} {
		if math.Abs(c.v-want) > c.tol*(1+math.Abs(want)) {
			t.Errorf("%s value %v, plain reference %v", c.dt, c.v, want)
		}
	}
	const h = 1e-5
	xp := append([]float64(nil), x...)
	for i := range x {
		xp[i] = x[i] + h
		up := ref(xp)
		xp[i] = x[i] - h
		down := ref(xp)
		xp[i] = x[i]
		fd := (up - down) / (2 * h)
		if math.Abs(g64[i]-fd) > 1e-7*(1+math.Abs(fd)) || math.Abs(g32[i]-fd) > 1e-5*(1+math.Abs(fd)) {
			t.Fatalf("gradient at %d: float64 %v, float32 %v, central difference of the plain reference %v", i, g64[i], g32[i], fd)
		}
	}
}

// probeSum is weightedSum's value for plain values: the sum of xs weighted
// by the normals of NewRNG(seed) in order.
func probeSum(xs []float64, seed uint64) float64 {
	rng := NewRNG(seed)
	s := 0.0
	for _, x := range xs {
		s += rng.Normal() * x
	}
	return s
}
