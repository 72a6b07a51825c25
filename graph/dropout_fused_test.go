package graph

import (
	"math"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// TestFusedDropoutOps checks AddDropout and ReLUDropout against the unfused
// definitions on the same masks, and their gradients by finite differences.
func TestFusedDropoutOps(t *testing.T) {
	for _, tc := range []struct {
		name  string
		fused func(b *Builder) *G.Node
		plain func(b *Builder) *G.Node
	}{
		{"add dropout",
			func(b *Builder) *G.Node { return b.AddDropout(b.Param("x"), b.Param("s"), 0.3) },
			func(b *Builder) *G.Node { return b.Add(b.Param("x"), b.Dropout(b.Param("s"), 0.3)) }},
		{"relu dropout",
			func(b *Builder) *G.Node { return b.ReLUDropout(b.Param("x"), 0.3) },
			func(b *Builder) *G.Node { return b.Dropout(b.ReLU(b.Param("x")), 0.3) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ps := randomParams(t, 8, 1, map[string][]int{"x": {4, 8}, "s": {4, 8}}, "x", "s")
			// Keep x away from ReLU's kink so finite differences are exact.
			x := ps.Get("x").Value.Data().([]float64)
			for i, v := range x {
				x[i] = math.Copysign(0.2+math.Abs(v), v)
			}
			fused := runTrain(t, ps, tc.fused)
			plain := runTrain(t, ps, tc.plain)
			zeros := 0
			for i := range plain {
				if math.Abs(fused[i]-plain[i]) > 1e-12 {
					t.Fatalf("fused = %v, want %v", fused, plain)
				}
				if plain[i] == 0 {
					zeros++
				}
			}
			if tc.name == "relu dropout" && (zeros == 0 || zeros == len(plain)) {
				t.Fatalf("%d of %d outputs are zero: the test does not exercise ReLU and the mask", zeros, len(plain))
			}
			rep, err := CheckGradients(ps, func(b *Builder) *G.Node { return weightedSum(b, tc.fused(b), 9) }, nil, CheckOptions{Train: true})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Max() > 1e-6 {
				t.Errorf("%s gradient:\n%s", tc.name, rep)
			}
		})
	}
}

// runTrain is run on a training builder whose dropout masks are drawn from
// a fixed seed.
func runTrain(t *testing.T, ps *Params, fn func(b *Builder) *G.Node) []float64 {
	t.Helper()
	b := NewBuilder(ps, true)
	var out *G.Node
	if err := b.Build(func(b *Builder) { out = fn(b) }); err != nil {
		t.Fatal(err)
	}
	if err := b.FillDropout(NewRNG(3)); err != nil {
		t.Fatal(err)
	}
	m := G.NewTapeMachine(b.G)
	defer m.Close()
	if err := m.RunAll(); err != nil {
		t.Fatal(err)
	}
	return Float64s(out.Value().(tensor.Tensor))
}
