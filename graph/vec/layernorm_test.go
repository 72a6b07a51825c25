package vec

import (
	"math"
	"math/rand/v2"
	"testing"
)

// refLayerNorm is the textbook layer norm and its gradients in float64 with
// sequential sums: the truth the kernels are compared with.
func refLayerNorm(x, gamma, beta, dy []float64, d int, eps float64) (out, dx, dgamma []float64) {
	out, dx, dgamma = make([]float64, len(x)), make([]float64, len(x)), make([]float64, d)
	for off := 0; off < len(x); off += d {
		row := x[off : off+d]
		var mean, v float64
		for _, e := range row {
			mean += e
		}
		mean /= float64(d)
		for _, e := range row {
			v += (e - mean) * (e - mean)
		}
		rstd := 1 / math.Sqrt(v/float64(d)+eps)
		var mg, mgx float64
		for k, e := range row {
			xh := (e - mean) * rstd
			out[off+k] = xh*gamma[k] + beta[k]
			g := dy[off+k] * gamma[k]
			mg += g / float64(d)
			mgx += g * xh / float64(d)
			dgamma[k] += dy[off+k] * xh
		}
		for k, e := range row {
			xh := (e - mean) * rstd
			dx[off+k] = rstd * (dy[off+k]*gamma[k] - mg - xh*mgx)
		}
	}
	return out, dx, dgamma
}

type lnCase[T Float] struct{ x, gamma, beta, dy []T }

func newLNCase[T Float](r *rand.Rand, rows, d int) lnCase[T] {
	mk := func(n int, off, scale float64) []T {
		s := make([]T, n)
		for i := range s {
			s[i] = T(off + scale*r.NormFloat64())
		}
		return s
	}
	return lnCase[T]{x: mk(rows*d, 3, 2), gamma: mk(d, 1, 0.3), beta: mk(d, 0, 0.5), dy: mk(rows*d, 0, 1)}
}

func (c lnCase[T]) run(d int) (out, dx, dgamma []T) {
	out, dx, dgamma = make([]T, len(c.x)), make([]T, len(c.x)), make([]T, d)
	LayerNorm(out, c.x, c.gamma, c.beta, d, 1e-5)
	LayerNormGrad(dx, c.x, c.gamma, c.dy, d, 1e-5)
	LayerNormGammaGrad(dgamma, c.x, c.dy, d, 1e-5)
	return out, dx, dgamma
}

func widen[T Float](s []T) []float64 {
	out := make([]float64, len(s))
	for i, v := range s {
		out[i] = float64(v)
	}
	return out
}

// TestLayerNormMatchesReference checks values and both gradients of every
// path against the float64 reference: float64, float32 through the
// assembly (d%4 == 0) and float32 in Go (d = 5, 7, or the assembly off).
func TestLayerNormMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for _, d := range []int{1, 4, 5, 7, 8, 64, 68} {
		for _, asm := range []bool{true, false} {
			c := newLNCase[float32](r, 6, d)
			c64 := lnCase[float64]{widen(c.x), widen(c.gamma), widen(c.beta), widen(c.dy)}
			wo, wdx, wdg := refLayerNorm(c64.x, c64.gamma, c64.beta, c64.dy, d, 1e-5)
			check := func(name string, got, want []float64, tol float64) {
				t.Helper()
				for i := range want {
					if math.Abs(got[i]-want[i]) > tol*(1+math.Abs(want[i])) {
						t.Fatalf("d=%d asm=%v: %s[%d] = %v, want %v", d, asm, name, i, got[i], want[i])
					}
				}
			}
			var o32, dx32, dg32 []float32
			if asm {
				o32, dx32, dg32 = c.run(d)
			} else {
				withGo(t, func() { o32, dx32, dg32 = c.run(d) })
			}
			check("float32 out", widen(o32), wo, 1e-6)
			check("float32 dx", widen(dx32), wdx, 1e-5)
			check("float32 dgamma", widen(dg32), wdg, 1e-5)
			o64, dx64, dg64 := c64.run(d)
			check("float64 out", o64, wo, 1e-12)
			check("float64 dx", dx64, wdx, 1e-10)
			check("float64 dgamma", dg64, wdg, 1e-12)
		}
	}
}

// TestLayerNormAsmMatchesGo checks the float32 assembly against the Go code
// bit for bit.
func TestLayerNormAsmMatchesGo(t *testing.T) {
	if !hasAsm {
		t.Skip("no assembly kernels on this machine")
	}
	r := rand.New(rand.NewPCG(11, 12))
	for _, d := range []int{4, 8, 12, 64, 256} {
		c := newLNCase[float32](r, 9, d)
		o, dx, dg := c.run(d)
		var wo, wdx, wdg []float32
		withGo(t, func() { wo, wdx, wdg = c.run(d) })
		for name, pair := range map[string][2][]float32{"out": {o, wo}, "dx": {dx, wdx}, "dgamma": {dg, wdg}} {
			for i := range pair[1] {
				if !sameBits(pair[0][i], pair[1][i]) {
					t.Fatalf("d=%d: %s[%d]: asm %v, Go %v", d, name, i, pair[0][i], pair[1][i])
				}
			}
		}
	}
}
