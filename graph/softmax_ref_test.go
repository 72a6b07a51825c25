package graph

import (
	"fmt"
	"math"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// refMaskedSoftmax is softmax(scale*x + mask) from its definition, in
// float64, with the attention layout spelled out: x is (B*H, Tq, Tk) with
// the H heads of sentence b at groups b*H..b*H+H-1, and the mask is
// (B, Mq, Tk), its query row q (or 0 when Mq is 1) applying to every head of
// sentence b. A row masked everywhere with -Inf is all zeros.
func refMaskedSoftmax(x, mask []float64, B, H, Tq, Tk, Mq int, scale float64) []float64 {
	out := make([]float64, len(x))
	for b := 0; b < B; b++ {
		for h := 0; h < H; h++ {
			for q := 0; q < Tq; q++ {
				mq := q
				if Mq == 1 {
					mq = 0
				}
				xrow := x[((b*H+h)*Tq+q)*Tk:][:Tk]
				mrow := mask[(b*Mq+mq)*Tk:][:Tk]
				z := make([]float64, Tk)
				top := math.Inf(-1)
				for k := range z {
					z[k] = scale*xrow[k] + mrow[k]
					top = math.Max(top, z[k])
				}
				if math.IsInf(top, -1) {
					continue // fully masked: zeros
				}
				sum := 0.0
				for k := range z {
					z[k] = math.Exp(z[k] - top)
					sum += z[k]
				}
				for k := range z {
					out[((b*H+h)*Tq+q)*Tk+k] = z[k] / sum
				}
			}
		}
	}
	return out
}

// softmaxMaskCase is a mask layout with a mask function giving each
// (sentence, query row, key) entry.
type softmaxMaskCase struct {
	name             string
	B, H, Tq, Tk, Mq int
	mask             func(b, q, k int) float64
}

// softmaxMaskCases differ from sentence to sentence and from query to
// query, so that any wrong mask row changes the result.
func softmaxMaskCases() []softmaxMaskCase {
	ninf := math.Inf(-1)
	return []softmaxMaskCase{
		{"pad per sentence shared by queries", 3, 2, 3, 6, 1, func(b, q, k int) float64 {
			if k >= []int{6, 4, 1}[b] { // source lengths 6, 4, 1
				return ninf
			}
			return 0
		}},
		{"causal and pad, 2 heads", 3, 2, 4, 5, 4, func(b, q, k int) float64 {
			if k > q+b || k >= 5-b {
				return ninf
			}
			return 0
		}},
		{"one head, -1e9 mask", 4, 1, 2, 3, 2, func(b, q, k int) float64 {
			if (b+q+k)%3 == 0 {
				return -1e9
			}
			return 0
		}},
		{"fully masked rows, 3 heads", 2, 3, 3, 4, 3, func(b, q, k int) float64 {
			switch {
			case b == 1 && q == 2, b == 0 && q == 0: // whole rows masked
				return ninf
			case k == (b+q)%4:
				return ninf
			}
			return 0
		}},
		{"additive bias, not only masking", 2, 2, 2, 3, 2, func(b, q, k int) float64 {
			return float64(b-k) * 0.5 * float64(q+1)
		}},
	}
}

// TestMaskedSoftmaxMatchesPlainReference checks MaskedSoftmax forward in
// both dtypes against refMaskedSoftmax over mask layouts where every group
// and query needs its own mask row.
func TestMaskedSoftmaxMatchesPlainReference(t *testing.T) {
	const scale = 0.7
	for _, tc := range softmaxMaskCases() {
		for _, dt := range []tensor.Dtype{tensor.Float64, tensor.Float32} {
			t.Run(fmt.Sprintf("%s/%v", tc.name, dt), func(t *testing.T) {
				rng := NewRNG(5)
				x := make([]float64, tc.B*tc.H*tc.Tq*tc.Tk)
				for i := range x {
					x[i] = float64(float32(2 * rng.Normal()))
				}
				mask := make([]float64, tc.B*tc.Mq*tc.Tk)
				for b := 0; b < tc.B; b++ {
					for q := 0; q < tc.Mq; q++ {
						for k := 0; k < tc.Tk; k++ {
							mask[(b*tc.Mq+q)*tc.Tk+k] = tc.mask(b, q, k)
						}
					}
				}
				want := refMaskedSoftmax(x, mask, tc.B, tc.H, tc.Tq, tc.Tk, tc.Mq, scale)
				got := run(t, NewParams(dt), func(b *Builder) *G.Node {
					return b.MaskedSoftmax(b.Constant("x", x, tc.B*tc.H, tc.Tq, tc.Tk),
						b.Constant("mask", mask, tc.B, tc.Mq, tc.Tk), scale)
				}, nil)
				tol := 1e-14
				if dt == tensor.Float32 {
					tol = 2e-6
				}
				for i := range want {
					if want[i] == 0 && got[i] != 0 || math.IsNaN(got[i]) || math.Abs(got[i]-want[i]) > tol {
						g, q, k := i/(tc.Tq*tc.Tk), i/tc.Tk%tc.Tq, i%tc.Tk
						t.Fatalf("softmax[group %d, query %d, key %d] = %v, want %v", g, q, k, got[i], want[i])
					}
				}
			})
		}
	}
}
