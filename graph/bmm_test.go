package graph

import (
	"fmt"
	"math"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// TestBMMMatchesGorgonia compares BMM with Gorgonia's BatchedMatMul (correct
// for 3-D operands) for every transpose combination, and checks gradients.
func TestBMMMatchesGorgonia(t *testing.T) {
	for _, tc := range []struct{ ta, tb bool }{{false, false}, {false, true}, {true, false}, {true, true}} {
		t.Run(fmt.Sprintf("transA=%v,transB=%v", tc.ta, tc.tb), func(t *testing.T) {
			aShape, bShape := []int{3, 4, 5}, []int{3, 5, 2} // (m, k), (k, n)
			if tc.ta {
				aShape = []int{3, 5, 4}
			}
			if tc.tb {
				bShape = []int{3, 2, 5}
			}
			ps := randomParams(t, 11, 1, map[string][]int{"a": aShape, "b": bShape}, "a", "b")
			ours := run(t, ps, func(b *Builder) *G.Node { return b.bmm(b.Param("a"), b.Param("b"), tc.ta, tc.tb) }, nil)
			theirs := run(t, ps, func(b *Builder) *G.Node { return b.batchedMatMul(b.Param("a"), b.Param("b"), tc.ta, tc.tb) }, nil)
			for i := range theirs {
				if math.Abs(ours[i]-theirs[i]) > 1e-12 {
					t.Fatalf("BMM = %v, want %v", ours, theirs)
				}
			}
			rep, err := CheckGradients(ps, func(b *Builder) *G.Node {
				return weightedSum(b, b.bmm(b.Param("a"), b.Param("b"), tc.ta, tc.tb), 12)
			}, nil, CheckOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Max() > 1e-6 {
				t.Errorf("bmm gradient:\n%s", rep)
			}
		})
	}
}

func TestBMMRejectsBadShapes(t *testing.T) {
	g := G.NewGraph()
	a := G.NewTensor(g, tensor.Float64, 3, G.WithShape(2, 3, 4))
	b := G.NewTensor(g, tensor.Float64, 3, G.WithShape(2, 5, 4))
	if _, err := BMM(a, b, false, false); err == nil {
		t.Error("BMM of (3,4) by (5,4) without transpose: no error")
	}
}

// splitRef is the per-head layout by Gorgonia's reshape → transpose(0, 2,
// 1, 3) → reshape: x (B*T, H*dh) to (B*H, T, dh).
func splitRef(b *Builder, x *G.Node, batch, length, heads, dh int) *G.Node {
	x = b.reshape(x, batch, length, heads, dh) // (B, T, H, dh)
	x = b.transpose(x, 0, 2, 1, 3)             // (B, H, T, dh)
	return b.reshape(x, batch*heads, length, dh)
}

// TestHeadProductsMatchReshapeTranspose compares HeadScores and HeadContext,
// which read and write heads in the activation layout, with plain BMM on
// heads split and merged by Gorgonia's reshapes and transposes, for
// cross-attention shapes (Tq != Tk), and checks both ops' gradients.
func TestHeadProductsMatchReshapeTranspose(t *testing.T) {
	const batch, tq, tk, heads, dh = 2, 3, 5, 2, 4
	ps := randomParams(t, 13, 1, map[string][]int{
		"q": {batch * tq, heads * dh}, "k": {batch * tk, heads * dh}, "p": {batch * heads, tq, tk}}, "q", "k", "p")
	tests := []struct {
		name       string
		ours, want func(b *Builder) *G.Node
	}{
		{"scores",
			func(b *Builder) *G.Node { return b.HeadScores(b.Param("q"), b.Param("k"), batch, heads) },
			func(b *Builder) *G.Node {
				q, k := splitRef(b, b.Param("q"), batch, tq, heads, dh), splitRef(b, b.Param("k"), batch, tk, heads, dh)
				return b.bmm(q, k, false, true)
			}},
		{"context",
			func(b *Builder) *G.Node { return b.HeadContext(b.Param("p"), b.Param("k"), batch, heads) },
			func(b *Builder) *G.Node {
				ctx := b.bmm(b.Param("p"), splitRef(b, b.Param("k"), batch, tk, heads, dh), false, false) // (B*H, Tq, dh)
				ctx = b.transpose(b.reshape(ctx, batch, heads, tq, dh), 0, 2, 1, 3)                       // (B, Tq, H, dh)
				return b.reshape(ctx, batch*tq, heads*dh)
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ours, want := run(t, ps, tc.ours, nil), run(t, ps, tc.want, nil)
			if len(ours) != len(want) {
				t.Fatalf("%d values, want %d", len(ours), len(want))
			}
			for i := range want {
				if math.Abs(ours[i]-want[i]) > 1e-12 {
					t.Fatalf("value %d = %v, want %v", i, ours[i], want[i])
				}
			}
			rep, err := CheckGradients(ps, func(b *Builder) *G.Node { return weightedSum(b, tc.ours(b), 14) }, nil, CheckOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Max() > 1e-6 {
				t.Errorf("%s gradient:\n%s", tc.name, rep)
			}
		})
	}
}

func TestHeadProductsRejectBadShapes(t *testing.T) {
	g := G.NewGraph()
	q := G.NewTensor(g, tensor.Float64, 2, G.WithShape(6, 8))
	k := G.NewTensor(g, tensor.Float64, 2, G.WithShape(10, 6))
	if _, err := HeadScores(q, k, 2, 2); err == nil {
		t.Error("HeadScores with widths 8 and 6: no error")
	}
	if _, err := HeadScores(q, q, 4, 3); err == nil {
		t.Error("HeadScores with 3 heads of a width 8: no error")
	}
}
