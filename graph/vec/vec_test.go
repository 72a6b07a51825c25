package vec

import (
	"math"
	"math/rand/v2"
	"testing"
)

// withGo runs f with the assembly kernels switched off.
func withGo(t *testing.T, f func()) {
	t.Helper()
	saved := useAsm
	useAsm = false
	defer func() { useAsm = saved }()
	f()
}

// sameBits reports whether a and b are the same float32, any NaN equal to
// any NaN.
func sameBits(a, b float32) bool {
	if a != a || b != b {
		return a != a && b != b
	}
	return math.Float32bits(a) == math.Float32bits(b)
}

func randSlice(r *rand.Rand, n int, scale float32) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = (r.Float32()*2 - 1) * scale
	}
	return s
}

var specials = []float32{0, float32(math.Copysign(0, -1)), 1, -1, float32(math.NaN()), float32(math.Inf(1)),
	float32(math.Inf(-1)), math.SmallestNonzeroFloat32, -math.SmallestNonzeroFloat32, math.MaxFloat32, -math.MaxFloat32}

func TestReLUMul(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 7, 8, 9, 16, 31, 33, 256, 1000} {
		x, a, b := randSlice(r, n, 2), randSlice(r, n, 3), randSlice(r, n, 3)
		for i := 0; i < n; i += 3 { // specials in every operand, at every lane
			x[i] = specials[(i/3)%len(specials)]
			a[(i+1)%n] = specials[(i/3+4)%len(specials)]
		}
		want := make([]float32, n)
		for i := range want {
			switch {
			case x[i] > 0:
				want[i] = a[i] * b[i]
			default:
				want[i] = 0
			}
		}
		got := make([]float32, n)
		for i := range got {
			got[i] = 42 // must be overwritten
		}
		ReLUMul(got, x, a, b)
		gotGo := make([]float32, n)
		withGo(t, func() { ReLUMul(gotGo, x, a, b) })
		for i := range want {
			if !sameBits(got[i], want[i]) || !sameBits(gotGo[i], want[i]) {
				t.Fatalf("n=%d: ReLUMul at %d (x=%v a=%v b=%v) = %v (Go %v), want %v", n, i, x[i], a[i], b[i], got[i], gotGo[i], want[i])
			}
		}
	}
}

func TestReLUMulLengths(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("ReLUMul with a short operand did not panic")
		}
	}()
	ReLUMul(make([]float32, 9), make([]float32, 9), make([]float32, 8), make([]float32, 9))
}

// TestExpSumAsmMatchesGo checks the assembly against the Go version bit for
// bit, values and sums, at every length around the lane width.
func TestExpSumAsmMatchesGo(t *testing.T) {
	if !hasAsm {
		t.Skip("no assembly kernels on this machine")
	}
	r := rand.New(rand.NewPCG(3, 4))
	for n := 0; n <= 70; n++ {
		for _, scale := range []float32{1, 30, 200} {
			x := randSlice(r, n, scale)
			for i := 0; i < n; i += 5 {
				x[i] = specials[(i/5)%len(specials)]
			}
			shift := r.Float32() * scale / 4
			got, want := make([]float32, n+1), make([]float32, n)
			got[n] = 42 // past the end: the masked tail must not write it
			s := ExpSum(got[:n], x, shift)
			if got[n] != 42 {
				t.Fatalf("n=%d: ExpSum wrote past the end of out", n)
			}
			got = got[:n]
			var ws float32
			withGo(t, func() { ws = ExpSum(want, x, shift) })
			if !sameBits(s, ws) {
				t.Fatalf("n=%d scale=%v: asm sum %v, Go sum %v", n, scale, s, ws)
			}
			for i := range got {
				if !sameBits(got[i], want[i]) {
					t.Fatalf("n=%d: exp(%v - %v): asm %v, Go %v", n, x[i], shift, got[i], want[i])
				}
			}
		}
	}
}

// ulps is the distance between a float32 result and the float64 truth in
// units of the float32 spacing at the truth.
func ulps(got float32, want float64) float64 {
	w := float32(want)
	spacing := float64(math.Nextafter32(w, float32(math.Inf(1))) - w)
	return math.Abs(float64(got)-want) / spacing
}

func TestExpSumAccuracy(t *testing.T) {
	const n = 200_001
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(expLo + (expHi-expLo)*float64(i)/(n-1))
	}
	out := make([]float32, n)
	for _, path := range []string{"default", "go"} {
		run := func() { ExpSum(out, x, 0) }
		if path == "go" {
			withGo(t, run)
		} else {
			run()
		}
		worst, at := 0.0, float32(0)
		for i, v := range x {
			if u := ulps(out[i], math.Exp(float64(v))); u > worst {
				worst, at = u, v
			}
		}
		if worst > 2 {
			t.Errorf("%s: worst error %.2f ulp at x=%v, want <= 2", path, worst, at)
		}
	}
}

func TestExpSumSpecialValues(t *testing.T) {
	tests := []struct {
		x, want float32
	}{
		{0, 1},
		{float32(math.Inf(-1)), 0},
		{float32(math.Inf(1)), float32(math.Inf(1))},
		{-100, 0}, // below ln 2⁻¹²⁶: flushed
		{89, float32(math.Inf(1))},
		{float32(math.NaN()), float32(math.NaN())},
	}
	for _, tc := range tests {
		for _, path := range []string{"default", "go"} {
			x := make([]float32, 9) // one full lane group and a tail
			for i := range x {
				x[i] = tc.x
			}
			out := make([]float32, 9)
			run := func() { ExpSum(out, x, 0) }
			if path == "go" {
				withGo(t, run)
			} else {
				run()
			}
			for i, v := range out {
				if !sameBits(v, tc.want) {
					t.Errorf("%s: exp(%v) at %d = %v, want %v", path, tc.x, i, v, tc.want)
				}
			}
		}
	}
}

// TestExpSumOrder checks the documented summation order: eight lane sums
// (element i into lane i%8) added pairwise.
func TestExpSumOrder(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	x := randSlice(r, 43, 5)
	out := make([]float32, len(x))
	got := ExpSum(out, x, 1)
	var acc [lanes]float32
	for i, e := range out {
		acc[i%lanes] += e
	}
	want := ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]))
	if !sameBits(got, want) {
		t.Errorf("ExpSum = %v, want %v (lane order)", got, want)
	}
}

func TestExpSumInPlace(t *testing.T) {
	x := []float32{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}
	want := make([]float32, len(x))
	ws := ExpSum(want, x, 2)
	gs := ExpSum(x, x, 2)
	for i := range x {
		if x[i] != want[i] {
			t.Fatalf("in place at %d: %v, want %v", i, x[i], want[i])
		}
	}
	if gs != ws {
		t.Errorf("in place sum %v, want %v", gs, ws)
	}
}

func TestAddTo(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, n := range []int{0, 1, 7, 8, 9, 17, 64, 100} {
		dst, src := randSlice(r, n, 4), randSlice(r, n, 4)
		for i := 0; i < n; i += 4 {
			src[i] = specials[(i/4)%len(specials)]
		}
		want := make([]float32, n)
		for i := range want {
			want[i] = dst[i] + src[i]
		}
		got := append([]float32(nil), dst...)
		AddTo(got, src)
		for i := range want {
			if !sameBits(got[i], want[i]) {
				t.Fatalf("n=%d: AddTo at %d: %v + %v = %v, want %v", n, i, dst[i], src[i], got[i], want[i])
			}
		}
	}
}

func TestMul(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 16))
	for n := 0; n <= 40; n++ {
		a, b := randSlice(r, n, 3), randSlice(r, n, 3)
		for i := 0; i < n; i += 5 {
			b[i] = specials[(i/5)%len(specials)]
		}
		got := make([]float32, n)
		Mul(got, a, b)
		for i := range a {
			if want := a[i] * b[i]; !sameBits(got[i], want) {
				t.Fatalf("n=%d: Mul at %d = %v, want %v", n, i, got[i], want)
			}
		}
	}
}
