package graph

import (
	"math"
	"testing"

	"gorgonia.org/tensor"
)

// dropoutMaskOf builds a training graph with one dropout site of
// probability p over n elements of dtype dt, fills it from NewRNG(seed) and
// returns the mask as float64s and the generator after the fill.
func dropoutMaskOf(t *testing.T, dt tensor.Dtype, n int, p float64, seed uint64) ([]float64, *RNG) {
	t.Helper()
	b := NewBuilder(NewParams(dt), true)
	if err := b.Build(func(b *Builder) { b.Dropout(b.Constant("x", make([]float64, n), n), p) }); err != nil {
		t.Fatal(err)
	}
	rng := NewRNG(seed)
	if err := b.FillDropout(rng); err != nil {
		t.Fatal(err)
	}
	return Float64s(b.Dropouts()[0].buf), rng
}

// TestFillDropoutKeepRate checks that about 1-p of the mask is kept, both
// overall and for the two elements decided by one draw together (so the two
// halves of a draw behave as independent decisions), and that every element
// is 0 or exactly 1/(1-p) in the mask's dtype.
func TestFillDropoutKeepRate(t *testing.T) {
	const n = 200000
	for _, dt := range []tensor.Dtype{tensor.Float32, tensor.Float64} {
		for _, p := range []float64{0.01, 0.1, 0.25, 1.0 / 3, 0.5, 0.9} {
			mask, _ := dropoutMaskOf(t, dt, n, p, 11)
			keep := 1 / (1 - p)
			if dt == tensor.Float32 {
				keep = float64(float32(keep))
			}
			kept, bothKept := 0, 0
			for i, v := range mask {
				switch v {
				case keep:
					kept++
					if i%2 == 1 && mask[i-1] == keep {
						bothKept++
					}
				case 0:
				default:
					t.Fatalf("%v p=%v: mask[%d] = %v, want 0 or %v", dt, p, i, v, keep)
				}
			}
			// Within 5 standard deviations of the binomial counts.
			q := 1 - p
			if sd := math.Sqrt(n * p * q); math.Abs(float64(kept)-n*q) > 5*sd {
				t.Errorf("%v p=%v: kept %d of %d, want %.0f ± %.0f", dt, p, kept, n, n*q, 5*sd)
			}
			pairs, q2 := float64(n/2), q*q
			if sd := math.Sqrt(pairs * q2 * (1 - q2)); math.Abs(float64(bothKept)-pairs*q2) > 5*sd {
				t.Errorf("%v p=%v: both of a pair kept %d of %.0f times, want %.0f ± %.0f", dt, p, bothKept, pairs, pairs*q2, 5*sd)
			}
		}
	}
}

// TestFillMaskDecisions pins the documented scheme against a plain
// reference built on RNG.Uint64: element 2k kept when the low 32 bits of
// draw k reach maskThreshold(p), element 2k+1 when its high 32 bits do, an
// odd last element by the low half of one more draw; and the generator
// ends ceil(n/2) draws on.
func TestFillMaskDecisions(t *testing.T) {
	for _, n := range []int{0, 1, 2, 7, 64, 1001} {
		for _, p := range []float64{0, 0.1, 0.5, 0.9} {
			rng := NewRNG(5)
			got := make([]float64, n)
			fillMask(got, rng, maskThreshold(p), 2)
			ref := NewRNG(5)
			var u uint64
			for i := range got {
				half := u >> 32
				if i%2 == 0 {
					u = ref.Uint64()
					half = u & (1<<32 - 1)
				}
				want := 0.0
				if float64(half)/(1<<32) >= p {
					want = 2
				}
				if got[i] != want {
					t.Fatalf("n=%d p=%v: element %d = %v, want %v", n, p, i, got[i], want)
				}
			}
			if a, b := rng.Uint64(), ref.Uint64(); a != b {
				t.Errorf("n=%d p=%v: after the fill the generator gives %#x, want %#x (ceil(n/2) draws on)", n, p, a, b)
			}
		}
	}
}

// TestFillMaskKeepsAllAtZero checks that p = 0 keeps every element, of
// even and odd lengths and both dtypes.
func TestFillMaskKeepsAllAtZero(t *testing.T) {
	d32, d64 := make([]float32, 10001), make([]float64, 10001)
	fillMask(d32, NewRNG(1), maskThreshold(0), 1)
	fillMask(d64, NewRNG(1), maskThreshold(0), 1)
	for i := range d32 {
		if d32[i] != 1 || d64[i] != 1 {
			t.Fatalf("p=0: element %d = %v (float32), %v (float64), want 1", i, d32[i], d64[i])
		}
	}
}

// TestMaskThreshold checks the quantisation of p to 2⁻³², rounded up.
func TestMaskThreshold(t *testing.T) {
	for _, tc := range []struct {
		p    float64
		want uint64
	}{
		{0, 0},
		{0.5, 1 << 31},
		{0.25, 1 << 30},
		{1e-12, 1},                 // rounded up: only u = 0 is dropped
		{1 - 1.0/(1<<40), 1 << 32}, // rounded up to 1: everything dropped
		{0.1, 429496730},           // ceil(0.1·2³²) = ceil(429496729.6)
	} {
		if got := maskThreshold(tc.p); got != tc.want {
			t.Errorf("maskThreshold(%v) = %d, want %d", tc.p, got, tc.want)
		}
	}
	d := make([]float64, 1000)
	fillMask(d, NewRNG(2), maskThreshold(1-1.0/(1<<40)), 1)
	for i, v := range d {
		if v != 0 {
			t.Fatalf("p=1-2⁻⁴⁰: element %d = %v, want 0", i, v)
		}
	}
}

// TestFillDropoutDeterministic checks that the same seed gives the same
// masks, in both dtypes, and another seed different ones.
func TestFillDropoutDeterministic(t *testing.T) {
	for _, dt := range []tensor.Dtype{tensor.Float32, tensor.Float64} {
		a, _ := dropoutMaskOf(t, dt, 999, 0.3, 7)
		b, _ := dropoutMaskOf(t, dt, 999, 0.3, 7)
		c, _ := dropoutMaskOf(t, dt, 999, 0.3, 8)
		same := 0
		for i := range a {
			if a[i] != b[i] {
				t.Fatalf("%v: seed 7 gave mask[%d] = %v then %v", dt, i, a[i], b[i])
			}
			if a[i] == c[i] {
				same++
			}
		}
		if same == len(a) {
			t.Errorf("%v: seeds 7 and 8 gave the same mask", dt)
		}
	}
}
