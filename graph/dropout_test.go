package graph

import (
	"testing"

	"gorgonia.org/tensor"
)

// TestFillDropoutMatchesFloatDecision checks that FillDropout's integer
// threshold keeps exactly the elements whose draw as Float64 is >= p, so
// masks (and runs) are those of the float comparison.
func TestFillDropoutMatchesFloatDecision(t *testing.T) {
	for _, p := range []float64{0.1, 0.25, 0.3, 1.0 / 3, 0.5, 0.9} {
		b := NewBuilder(NewParams(tensor.Float64), true)
		if err := b.Build(func(b *Builder) { b.Dropout(b.Constant("x", make([]float64, 20000), 200, 100), p) }); err != nil {
			t.Fatal(err)
		}
		if err := b.FillDropout(NewRNG(7)); err != nil {
			t.Fatal(err)
		}
		ref := NewRNG(7)
		for i, v := range b.Dropouts()[0].buf.Float64s() {
			want := 0.0
			if ref.Float64() >= p {
				want = 1 / (1 - p)
			}
			if v != want {
				t.Fatalf("p=%v element %d = %v, want %v", p, i, v, want)
			}
		}
	}
}
