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
			ours := run(t, ps, func(b *Builder) *G.Node { return b.BMM(b.Param("a"), b.Param("b"), tc.ta, tc.tb) }, nil)
			theirs := run(t, ps, func(b *Builder) *G.Node { return b.BatchedMatMul(b.Param("a"), b.Param("b"), tc.ta, tc.tb) }, nil)
			for i := range theirs {
				if math.Abs(ours[i]-theirs[i]) > 1e-12 {
					t.Fatalf("BMM = %v, want %v", ours, theirs)
				}
			}
			rep, err := CheckGradients(ps, func(b *Builder) *G.Node {
				return weightedSum(b, b.BMM(b.Param("a"), b.Param("b"), tc.ta, tc.tb), 12)
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

// TestHeadsMatchReshapeTranspose compares SplitHeads and MergeHeads with
// Gorgonia's reshape → transpose(0,2,1,3) → reshape, and checks gradients.
func TestHeadsMatchReshapeTranspose(t *testing.T) {
	const batch, length, heads, dh = 2, 3, 2, 4
	ps := randomParams(t, 13, 1, map[string][]int{"x": {batch * length, heads * dh}}, "x")
	ours := run(t, ps, func(b *Builder) *G.Node { return b.SplitHeads(b.Param("x"), batch, length, heads) }, nil)
	theirs := run(t, ps, func(b *Builder) *G.Node {
		x := b.Reshape(b.Param("x"), batch, length, heads, dh) // (B, T, H, dh)
		x = b.Transpose(x, 0, 2, 1, 3)                         // (B, H, T, dh)
		return b.Reshape(x, batch*heads, length, dh)           // (B*H, T, dh)
	}, nil)
	for i := range theirs {
		if ours[i] != theirs[i] {
			t.Fatalf("SplitHeads = %v, want %v", ours, theirs)
		}
	}
	back := run(t, ps, func(b *Builder) *G.Node {
		return b.MergeHeads(b.SplitHeads(b.Param("x"), batch, length, heads), batch, length, heads)
	}, nil)
	x := ps.Get("x").Value.Float64s()
	for i := range x {
		if back[i] != x[i] {
			t.Fatalf("MergeHeads(SplitHeads(x)) = %v, want %v", back, x)
		}
	}
	rep, err := CheckGradients(ps, func(b *Builder) *G.Node {
		s := b.SplitHeads(b.Param("x"), batch, length, heads)
		return weightedSum(b, b.MergeHeads(b.Mul(s, s), batch, length, heads), 14)
	}, nil, CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Max() > 1e-6 {
		t.Errorf("heads gradient:\n%s", rep)
	}
}
