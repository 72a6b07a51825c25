package graph

import (
	"fmt"
	"math"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// refMatMul is op(a)·op(b) by the definition, with a stored (ar, ac) and b
// stored (br, bc) row-major.
func refMatMul(a []float64, ar, ac int, b []float64, br, bc int, ta, tb bool) []float64 {
	at := func(i, p int) float64 {
		if ta {
			return a[p*ac+i]
		}
		return a[i*ac+p]
	}
	bt := func(p, j int) float64 {
		if tb {
			return b[j*bc+p]
		}
		return b[p*bc+j]
	}
	m, k, n := ar, ac, bc
	if ta {
		m, k = ac, ar
	}
	if tb {
		n = br
	}
	out := make([]float64, m*n)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			for p := 0; p < k; p++ {
				out[i*n+j] += at(i, p) * bt(p, j)
			}
		}
	}
	return out
}

// TestMatMulValuesAndGradient checks MatMul against the definition for every
// transpose combination, and its gradients by finite differences.
func TestMatMulValuesAndGradient(t *testing.T) {
	const m, k, n = 4, 5, 3
	for _, tc := range []struct{ ta, tb bool }{{false, false}, {false, true}, {true, false}, {true, true}} {
		t.Run(fmt.Sprintf("transA=%v,transB=%v", tc.ta, tc.tb), func(t *testing.T) {
			aShape, bShape := []int{m, k}, []int{k, n}
			if tc.ta {
				aShape = []int{k, m}
			}
			if tc.tb {
				bShape = []int{n, k}
			}
			ps := randomParams(t, 21, 1, map[string][]int{"a": aShape, "b": bShape}, "a", "b")
			build := func(b *Builder) *G.Node { return b.MatMulT(b.Param("a"), b.Param("b"), tc.ta, tc.tb) }
			got := run(t, ps, build, nil)
			want := refMatMul(Float64s(ps.Get("a").Value), aShape[0], aShape[1], Float64s(ps.Get("b").Value), bShape[0], bShape[1], tc.ta, tc.tb)
			if len(got) != m*n {
				t.Fatalf("got %d values, want %d", len(got), m*n)
			}
			for i := range want {
				if math.Abs(got[i]-want[i]) > 1e-12 {
					t.Fatalf("MatMul = %v, want %v", got, want)
				}
			}
			rep, err := CheckGradients(ps, func(b *Builder) *G.Node { return weightedSum(b, build(b), 22) }, nil, CheckOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Max() > 1e-6 {
				t.Errorf("matmul gradient:\n%s", rep)
			}
		})
	}
}

// TestAffineValuesAndGradient checks x·W + b against the definition and
// its three gradients (the bias one through ColSum) by finite differences.
func TestAffineValuesAndGradient(t *testing.T) {
	const n, in, out = 5, 4, 3
	ps := randomParams(t, 23, 1, map[string][]int{"x": {n, in}, "w": {in, out}, "b": {out}}, "x", "w", "b")
	build := func(b *Builder) *G.Node { return b.Affine(b.Param("x"), b.Param("w"), b.Param("b")) }
	got := run(t, ps, build, nil)
	want := refMatMul(Float64s(ps.Get("x").Value), n, in, Float64s(ps.Get("w").Value), in, out, false, false)
	bias := Float64s(ps.Get("b").Value)
	for i := range want {
		want[i] += bias[i%out]
		if math.Abs(got[i]-want[i]) > 1e-12 {
			t.Fatalf("Affine = %v, want %v", got, want)
		}
	}
	// Used twice, so Gorgonia also sums the two gradient paths.
	rep, err := CheckGradients(ps, func(b *Builder) *G.Node {
		y := build(b)
		return weightedSum(b, b.Affine(y, b.MatMulT(b.Param("w"), b.Param("w"), true, false), b.Param("b")), 24)
	}, nil, CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Max() > 1e-6 {
		t.Errorf("affine gradient:\n%s", rep)
	}
}

// TestMatMulFloat32MatchesFloat64 runs the float32 path (the BLAS used in
// training) against the float64 one.
func TestMatMulFloat32MatchesFloat64(t *testing.T) {
	const m, k, n = 37, 70, 19
	rng := NewRNG(5)
	a, b := make([]float64, m*k), make([]float64, n*k)
	for i := range a {
		a[i] = rng.Normal()
	}
	for i := range b {
		b[i] = rng.Normal()
	}
	want := refMatMul(a, m, k, b, n, k, false, true)
	f32 := func(xs []float64) []float32 {
		out := make([]float32, len(xs))
		for i, x := range xs {
			out[i] = float32(x)
		}
		return out
	}
	c := tensor.New(tensor.Of(tensor.Float32), tensor.WithShape(m, n))
	at := tensor.New(tensor.WithShape(m, k), tensor.WithBacking(f32(a)))
	bt := tensor.New(tensor.WithShape(n, k), tensor.WithBacking(f32(b)))
	if err := gemm(c, at, bt, gemmGeom{m: m, k: k, n: n, transB: true}, 0); err != nil {
		t.Fatal(err)
	}
	for i, v := range c.Float32s() {
		if math.Abs(float64(v)-want[i]) > 1e-4*(1+math.Abs(want[i])) {
			t.Fatalf("element %d = %v, want %v", i, v, want[i])
		}
	}
}

func TestMatMulRejectsBadShapes(t *testing.T) {
	g := G.NewGraph()
	a := G.NewTensor(g, tensor.Float64, 2, G.WithShape(2, 3))
	b := G.NewTensor(g, tensor.Float64, 2, G.WithShape(4, 2))
	if _, err := MatMul(a, b, false, false); err == nil {
		t.Error("MatMul of (2,3) and (4,2) gave no error")
	}
	bias := G.NewTensor(g, tensor.Float64, 1, G.WithShape(3))
	if _, err := Affine(a, b, bias); err == nil {
		t.Error("Affine of (2,3), (4,2) and (3) gave no error")
	}
}
