package optim

import (
	"math"
	"testing"
)

func TestClipGradNorm(t *testing.T) {
	inf := float32(math.Inf(1))
	tests := []struct {
		name     string
		grads    [][]float32
		maxNorm  float64
		wantNorm float64
		want     [][]float32
	}{
		{"clipped", [][]float32{{3, 4}}, 1, 5, [][]float32{{0.6, 0.8}}},
		{"clipped across params", [][]float32{{3}, {0, 4}}, 2.5, 5, [][]float32{{1.5}, {0, 2}}},
		{"under the limit", [][]float32{{3, 4}}, 10, 5, [][]float32{{3, 4}}},
		{"at the limit", [][]float32{{3, 4}}, 5, 5, [][]float32{{3, 4}}},
		{"disabled", [][]float32{{3, 4}}, 0, 5, [][]float32{{3, 4}}},
		{"empty", nil, 1, 0, nil},
		{"infinite", [][]float32{{inf, 1}}, 1, math.Inf(1), [][]float32{{inf, 1}}},
	}
	for _, tt := range tests {
		var ps []Param
		for i, g := range tt.grads {
			ps = append(ps, Param{Name: string(rune('a' + i)), Value: make([]float32, len(g)), Grad: append([]float32(nil), g...)})
		}
		norm := clipGradNorm(ps, tt.maxNorm)
		if norm != tt.wantNorm {
			t.Errorf("%s: clipGradNorm = %v, want %v", tt.name, norm, tt.wantNorm)
		}
		for i, p := range ps {
			for j := range p.Grad {
				if !closeF32(p.Grad[j], tt.want[i][j]) && p.Grad[j] != tt.want[i][j] {
					t.Errorf("%s: grad %d[%d] = %v, want %v", tt.name, i, j, p.Grad[j], tt.want[i][j])
				}
			}
		}
	}
}

func TestClipGradNormNaN(t *testing.T) {
	nan32 := float32(math.NaN())
	ps := []Param{{Name: "a", Value: []float32{0, 0}, Grad: []float32{nan32, 1}}}
	if norm := clipGradNorm(ps, 1); !math.IsNaN(norm) {
		t.Errorf("clipGradNorm with a NaN gradient = %v, want NaN", norm)
	}
	if ps[0].Grad[1] != 1 {
		t.Errorf("clipGradNorm with a NaN gradient scaled the others to %v, want 1 kept", ps[0].Grad[1])
	}
}

func TestGradsFinite(t *testing.T) {
	tests := []struct {
		grads []float32
		want  bool
	}{
		{[]float32{0, 1, -3.4e38}, true},
		{nil, true},
		{[]float32{0, float32(math.NaN())}, false},
		{[]float32{float32(math.Inf(1))}, false},
		{[]float32{float32(math.Inf(-1)), 0}, false},
	}
	for _, tt := range tests {
		ps := []Param{{Name: "ok", Value: []float32{1}, Grad: []float32{1}}, {Name: "x", Value: make([]float32, len(tt.grads)), Grad: tt.grads}}
		if got := gradsFinite(ps); got != tt.want {
			t.Errorf("gradsFinite(%v) = %v, want %v", tt.grads, got, tt.want)
		}
	}
}

// refClip is clipGradNorm's documented summation written out serially:
// squares summed in float64 over runs of at most gradChunk elements of one
// parameter, the run sums added in order; then the scaling.
func refClip(ps []Param, maxNorm float64) float64 {
	var sum float64
	for _, p := range ps {
		for lo := 0; lo < len(p.Grad); lo += gradChunk {
			var run float64
			for _, g := range p.Grad[lo:min(lo+gradChunk, len(p.Grad))] {
				run += float64(g) * float64(g)
			}
			sum += run
		}
	}
	norm := math.Sqrt(sum)
	if maxNorm > 0 && norm > maxNorm && !math.IsInf(norm, 0) {
		for _, p := range ps {
			for i, g := range p.Grad {
				p.Grad[i] = float32(float64(g) * (maxNorm / norm))
			}
		}
	}
	return norm
}

// spreadMagnitudes scales each run of gradChunk gradients of ps by its own
// power of ten, so that the sum of squares depends on the order the runs
// are added in.
func spreadMagnitudes(ps []Param) {
	for i, p := range ps {
		for j := range p.Grad {
			p.Grad[j] *= float32(math.Pow(10, float64((i*7+j/gradChunk*5)%13-6)))
		}
	}
}

func TestClipGradNormMatchesSerialReference(t *testing.T) {
	for _, tt := range spanTestShapes {
		for _, maxNorm := range []float64{0, 1, 1e9} {
			for _, procs := range testProcs {
				got, want := randomParams(tt.lens, 3), randomParams(tt.lens, 3)
				spreadMagnitudes(got)
				spreadMagnitudes(want)
				var norm float64
				withProcs(procs, func() { norm = clipGradNorm(got, maxNorm) })
				wantNorm := refClip(want, maxNorm)
				if math.Float64bits(norm) != math.Float64bits(wantNorm) {
					t.Errorf("%s, max %v, GOMAXPROCS %d: clipGradNorm = %v, want %v bitwise", tt.name, maxNorm, procs, norm, wantNorm)
				}
				for i := range got {
					if j, ok := sameBits(got[i].Grad, want[i].Grad); !ok {
						t.Errorf("%s, max %v, GOMAXPROCS %d: grad %s differs from the serial reference at %d", tt.name, maxNorm, procs, got[i].Name, j)
					}
				}
			}
		}
	}
}

// TestClipGradNormDetectsNonFinite checks that a non-finite norm (of
// GradNorm, which trainStep checks in place of gradsFinite, and of
// clipGradNorm) is exactly a non-finite gradient, and that clipGradNorm
// then leaves the gradients alone.
func TestClipGradNormDetectsNonFinite(t *testing.T) {
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	big := 3*gradChunk + 5
	tests := []struct {
		name string
		set  func(ps []Param) // poisons ps, which hold lengths 64 and big
	}{
		{"finite", func([]Param) {}},
		{"all max float32", func(ps []Param) {
			for _, p := range ps {
				for j := range p.Grad {
					p.Grad[j] = -math.MaxFloat32
				}
			}
		}},
		{"NaN first", func(ps []Param) { ps[0].Grad[0] = nan }},
		{"NaN in a later span", func(ps []Param) { ps[1].Grad[big-1] = nan }},
		{"+Inf", func(ps []Param) { ps[1].Grad[gradChunk] = inf }},
		{"-Inf", func(ps []Param) { ps[0].Grad[63] = -inf }},
		{"+Inf and -Inf", func(ps []Param) { ps[0].Grad[1], ps[1].Grad[2] = inf, -inf }},
		{"Inf and NaN", func(ps []Param) { ps[0].Grad[1], ps[1].Grad[2*gradChunk] = inf, nan }},
	}
	for _, tt := range tests {
		for _, procs := range []int{1, 2} {
			ps := randomParams([]int{64, big}, 5)
			tt.set(ps)
			before := cloneParams(ps)
			finite := gradsFinite(ps)
			var norm, clipNorm float64
			withProcs(procs, func() { norm, clipNorm = GradNorm(ps), clipGradNorm(ps, 1) })
			if normFinite := !math.IsNaN(norm) && !math.IsInf(norm, 0); normFinite != finite {
				t.Errorf("%s, GOMAXPROCS %d: GradNorm = %v, gradsFinite = %v: want both finite or both not", tt.name, procs, norm, finite)
			}
			if math.Float64bits(clipNorm) != math.Float64bits(norm) {
				t.Errorf("%s, GOMAXPROCS %d: clipGradNorm = %v, GradNorm = %v: want the same", tt.name, procs, clipNorm, norm)
			}
			if !finite {
				for i := range ps {
					if j, ok := sameBits(ps[i].Grad, before[i].Grad); !ok {
						t.Errorf("%s, GOMAXPROCS %d: non-finite norm changed grad %s at %d", tt.name, procs, ps[i].Name, j)
					}
				}
			}
		}
	}
}

// clipGradNorm is the two-pass clipping that Update with ClipScale fuses
// into one pass, kept as the tests' reference: it returns the global L2 norm of all gradients and, when
// maxNorm > 0 and the norm exceeds it, scales every gradient by
// maxNorm/norm. A maxNorm <= 0 only measures. A non-finite norm is returned
// without scaling, so the caller can detect it: since the squares of
// float32 values are summed in float64, which they cannot overflow, the
// norm is finite exactly when every gradient is (see gradsFinite).
//
// The squares are summed in float64 span by span (at most gradChunk
// elements of one parameter, in element order) and the span sums added in
// parameter and element order. The spans are summed and scaled in
// parallel; the order is fixed, so the result is too.
func clipGradNorm(params []Param, maxNorm float64) (norm float64) {
	norm = GradNorm(params)
	scale := ClipScale(norm, maxNorm)
	if scale == 1 {
		return norm
	}
	ss := gradSpans(params)
	forSpans(ss, func(k int) {
		s := ss[k]
		scaleGrads(params[s.param].Grad[s.lo:s.hi], scale)
	})
	return norm
}

// gradsFinite reports whether every gradient is neither NaN nor infinite.
func gradsFinite(params []Param) bool {
	for _, p := range params {
		for _, g := range p.Grad {
			f := float64(g)
			if math.IsNaN(f) || math.IsInf(f, 0) {
				return false
			}
		}
	}
	return true
}

// scaleGrads multiplies every element of g by scale, in float64.
func scaleGrads(g []float32, scale float64) {
	for i, x := range g {
		g[i] = float32(float64(x) * scale)
	}
}
