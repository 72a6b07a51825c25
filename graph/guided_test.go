package graph

import (
	"math"
	"strings"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// TestGuidedAlignmentValues checks the loss against hand-computed values:
// one sentence, two heads (head 1 guided), two target rows.
func TestGuidedAlignmentValues(t *testing.T) {
	probs := []float64{
		0.1, 0.9, 0.3, 0.7, // head 0 (not guided)
		0.8, 0.2, 0.5, 0.5, // head 1
	}
	tests := []struct {
		name   string
		gold   []float64
		weight float64
		want   float64
	}{
		{"one row", []float64{1, 0, 0, 0}, 1, -math.Log(0.8)},
		{"weighted", []float64{1, 0, 0, 0}, 0.25, -0.25 * math.Log(0.8)},
		{"two rows", []float64{0.5, 0.5, 0, 1}, 2, 2 * (-(0.5*math.Log(0.8) + 0.5*math.Log(0.2)) - math.Log(0.5)) / 2},
		{"no links", []float64{0, 0, 0, 0}, 1, 0},
	}
	for _, tc := range tests {
		for _, dt := range []tensor.Dtype{tensor.Float64, tensor.Float32} {
			ps := NewParams(dt)
			got := run(t, ps, func(b *Builder) *G.Node {
				return b.GuidedAlignment(b.Constant("p", probs, 2, 2, 2), b.Constant("g", tc.gold, 1, 2, 2), 2, 1, tc.weight)
			}, nil)
			tol := 1e-12
			if dt == tensor.Float32 {
				tol = 1e-6
			}
			if math.Abs(got[0]-tc.want) > tol {
				t.Errorf("%s %v: loss = %v, want %v", tc.name, dt, got[0], tc.want)
			}
		}
	}
	// A gold link on a zero (masked) probability costs -log(1e-9), not +Inf.
	ps := NewParams(tensor.Float64)
	got := run(t, ps, func(b *Builder) *G.Node {
		return b.GuidedAlignment(b.Constant("p", []float64{1, 0}, 1, 1, 2), b.Constant("g", []float64{0, 1}, 1, 1, 2), 1, 0, 1)
	}, nil)
	if math.Abs(got[0]+math.Log(guidedMinProb)) > 1e-9 {
		t.Errorf("link on a zero probability: loss %v, want %v", got[0], -math.Log(guidedMinProb))
	}
}

// TestGuidedAlignmentGradient checks the gradient by finite differences
// through the masked softmax that produces attention probabilities: two
// sentences, three heads (head 2 guided), a padded source position, a
// target row without links and a row linked to two source words.
func TestGuidedAlignmentGradient(t *testing.T) {
	const B, H, T, S = 2, 3, 3, 4
	ninf := math.Inf(-1)
	mask := make([]float64, B*T*S) // (B, T, S): sentence 1's last source position is padding
	for r := range T {
		mask[(T+r)*S+S-1] = ninf
	}
	gold := []float64{
		1, 0, 0, 0, 0, 0.5, 0.5, 0, 0, 0, 0, 0, // sentence 0: row 2 has no link
		0, 0, 1, 0, 1, 0, 0, 0, 0, 1, 0, 0, // sentence 1
	}
	ps := randomParams(t, 7, 1.5, map[string][]int{"x": {B * H, T, S}}, "x")
	var m *G.Node
	rep, err := CheckGradients(ps, func(b *Builder) *G.Node {
		m = b.Input("mask", tensor.Float64, B, T, S)
		probs := b.MaskedSoftmax(b.Param("x"), m, 0.9) // (B*H, T, S)
		return b.GuidedAlignment(probs, b.Constant("gold", gold, B, T, S), H, 2, 0.3)
	}, func(b *Builder) error { return G.Let(m, maskTensor(mask, B, T, S)) }, CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Max() > 1e-6 {
		t.Errorf("guided alignment gradient:\n%s", rep)
	}
}

func TestGuidedAlignmentRejectsShapes(t *testing.T) {
	tests := []struct {
		name        string
		probs, gold []int
		heads, head int
		want        string
	}{
		{"head range", []int{4, 2, 3}, []int{2, 2, 3}, 2, 2, "head 2 of 2 heads"},
		{"batch", []int{4, 2, 3}, []int{3, 2, 3}, 2, 0, "do not match"},
		{"rows", []int{4, 2, 3}, []int{2, 3, 3}, 2, 0, "do not match"},
		{"dims", []int{4, 6}, []int{2, 2, 3}, 2, 0, "want probs (B*H, T, S)"},
	}
	for _, tc := range tests {
		g := G.NewGraph()
		p := G.NewTensor(g, tensor.Float64, len(tc.probs), G.WithShape(tc.probs...), G.WithName("p"))
		q := G.NewTensor(g, tensor.Float64, len(tc.gold), G.WithShape(tc.gold...), G.WithName("g"))
		if _, err := GuidedAlignment(p, q, tc.heads, tc.head, 1); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.want)
		}
	}
}
