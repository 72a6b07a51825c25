package optim

import (
	"math"
	"math/rand/v2"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// closeF32 reports whether got is within 2 float32 ulps of want.
func closeF32(got, want float32) bool {
	ulp := math.Nextafter32(want, float32(math.Inf(1))) - want
	return math.Abs(float64(got-want)) <= 2*float64(ulp)
}

func TestAdamTwoStepsByHand(t *testing.T) {
	// beta1 0.9, beta2 0.999, eps 1e-8, lr 0.1. Step 1 on value 1, grad 0.5:
	// m = 0.05, v = 0.00025, mhat = 0.5, vhat = 0.25, update = 0.1*0.5/(0.5+1e-8)
	// = 0.099999998, value = 0.9. Step 2 with grad -1.5: m = 0.045-0.15 =
	// -0.105, v = 0.00024975+0.00225 = 0.00249975, mhat = -0.105/0.19,
	// vhat = 0.00249975/0.001999, update = 0.1*mhat/(sqrt(vhat)+1e-8) =
	// -0.0494190, value = 0.9494190.
	a := NewAdam(0.9, 0.999, 1e-8)
	p := []Param{
		{Name: "w", Value: []float32{1, -2}, Grad: make([]float32, 2)},
	}
	steps := []struct {
		grad        []float32
		value, m, v []float32
	}{
		{[]float32{0.5, -0.25}, []float32{0.9, -1.9}, []float32{0.05, -0.025}, []float32{0.00025, 6.25e-05}},
		{[]float32{-1.5, 0.125}, []float32{0.94941896, -1.8733662}, []float32{-0.105, -0.01}, []float32{0.00249975, 7.80625e-05}},
	}
	for i, s := range steps {
		copy(p[0].Grad, s.grad)
		if err := a.Update(p, 0.1, 1); err != nil {
			t.Fatalf("step %d: Update error: %v", i+1, err)
		}
		for j := range s.value {
			if !closeF32(p[0].Value[j], s.value[j]) || !closeF32(a.M["w"][j], s.m[j]) || !closeF32(a.V["w"][j], s.v[j]) {
				t.Errorf("step %d, element %d: value, m, v = %v, %v, %v, want %v, %v, %v",
					i+1, j, p[0].Value[j], a.M["w"][j], a.V["w"][j], s.value[j], s.m[j], s.v[j])
			}
		}
		if got := p[0].Grad; !reflect.DeepEqual(got, s.grad) {
			t.Errorf("step %d: Grad after Update = %v, want it unchanged %v", i+1, got, s.grad)
		}
		if a.Step != i+1 {
			t.Errorf("step %d: Adam.Step = %d, want %d", i+1, a.Step, i+1)
		}
	}
}

func TestAdamConvergesOnQuadratic(t *testing.T) {
	// Minimise sum_i w_i (x_i - c_i)^2 over two parameters.
	target := [][]float32{{3, -1, 0.5}, {-2, 4}}
	weight := [][]float32{{1, 10, 0.1}, {2, 0.5}}
	params := []Param{
		{Name: "a", Value: make([]float32, 3), Grad: make([]float32, 3)},
		{Name: "b", Value: make([]float32, 2), Grad: make([]float32, 2)},
	}
	a := NewAdam(0.9, 0.98, 1e-9)
	for step := 1; step <= 400; step++ {
		for i, p := range params {
			for j := range p.Value {
				p.Grad[j] = 2 * weight[i][j] * (p.Value[j] - target[i][j])
			}
		}
		clipGradNorm(params, 10)
		if err := a.Update(params, LearningRate(step, 0.3, 20, ScheduleInverseSqrt), 1); err != nil {
			t.Fatal(err)
		}
	}
	for i, p := range params {
		for j, x := range p.Value {
			if math.Abs(float64(x-target[i][j])) > 1e-2 {
				t.Errorf("after 400 steps %s[%d] = %v, want %v within 0.01", p.Name, j, x, target[i][j])
			}
		}
	}
}

// adamTestParams returns two parameters and a deterministic gradient
// function of the step.
func adamTestParams() ([]Param, func(step int, ps []Param)) {
	ps := []Param{
		{Name: "x", Value: []float32{0.1, -0.2, 0.3}, Grad: make([]float32, 3)},
		{Name: "y", Value: []float32{1.5}, Grad: make([]float32, 1)},
	}
	grads := func(step int, ps []Param) {
		for i, p := range ps {
			for j := range p.Grad {
				p.Grad[j] = float32(math.Sin(float64(step*7+i*3+j))) + p.Value[j]
			}
		}
	}
	return ps, grads
}

// cloneParams deep-copies ps.
func cloneParams(ps []Param) []Param {
	out := make([]Param, len(ps))
	for i, p := range ps {
		out[i] = Param{Name: p.Name, Value: append([]float32(nil), p.Value...), Grad: append([]float32(nil), p.Grad...)}
	}
	return out
}

func TestAdamStateRoundTripIsBitwise(t *testing.T) {
	ps, grads := adamTestParams()
	a := NewAdam(0.9, 0.98, 1e-9)
	for step := 1; step <= 5; step++ {
		grads(step, ps)
		if err := a.Update(ps, 0.01, 1); err != nil {
			t.Fatal(err)
		}
	}
	saved, savedParams := a.State(), cloneParams(ps)

	b := NewAdam(0.9, 0.98, 1e-9)
	if err := b.Restore(saved); err != nil {
		t.Fatalf("Restore error: %v", err)
	}
	for step := 6; step <= 10; step++ {
		grads(step, ps)
		grads(step, savedParams)
		if err := a.Update(ps, 0.01, 1); err != nil {
			t.Fatal(err)
		}
		if err := b.Update(savedParams, 0.01, 1); err != nil {
			t.Fatal(err)
		}
	}
	for i := range ps {
		for j := range ps[i].Value {
			if math.Float32bits(ps[i].Value[j]) != math.Float32bits(savedParams[i].Value[j]) {
				t.Errorf("%s[%d] after resume = %v, want %v bitwise", ps[i].Name, j, savedParams[i].Value[j], ps[i].Value[j])
			}
		}
	}
	if !reflect.DeepEqual(b.State(), a.State()) {
		t.Errorf("resumed state = %+v, want %+v", b.State(), a.State())
	}
	if saved.Step != 5 {
		t.Errorf("saved state Step = %d after the original moved on, want 5 (a copy)", saved.Step)
	}
}

func TestAdamStateIsACopy(t *testing.T) {
	ps, grads := adamTestParams()
	a := NewAdam(0.9, 0.98, 1e-9)
	grads(1, ps)
	if err := a.Update(ps, 0.01, 1); err != nil {
		t.Fatal(err)
	}
	s := a.State()
	before := s.M["x"][0]
	grads(2, ps)
	if err := a.Update(ps, 0.01, 1); err != nil {
		t.Fatal(err)
	}
	if s.M["x"][0] != before {
		t.Errorf("State().M changed to %v after a later Update, want %v", s.M["x"][0], before)
	}
}

func TestAdamRestoreErrors(t *testing.T) {
	tests := []struct {
		name  string
		state AdamState
		want  string
	}{
		{"negative step", AdamState{Step: -1}, "negative step"},
		{"missing v", AdamState{M: map[string][]float32{"a": {1}}, V: map[string][]float32{"b": {1}}}, `"a" has a first moment but no second`},
		{"count", AdamState{M: map[string][]float32{"a": {1}}}, "1 first moments but 0 second"},
		{"lengths", AdamState{M: map[string][]float32{"a": {1}}, V: map[string][]float32{"a": {1, 2}}}, "lengths 1 and 2"},
	}
	for _, tt := range tests {
		a := NewAdam(0.9, 0.98, 1e-9)
		err := a.Restore(tt.state)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: Restore error = %v, want one containing %q", tt.name, err, tt.want)
		}
	}
}

func TestAdamUpdateErrors(t *testing.T) {
	a := NewAdam(0.9, 0.98, 1e-9)
	if err := a.Update([]Param{{Name: "w", Value: []float32{1, 2}, Grad: []float32{1, 1}}}, 0.1, 1); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		params []Param
		want   string
	}{
		{"length changed", []Param{{Name: "w", Value: []float32{1, 2, 3}, Grad: []float32{1, 1, 1}}}, `"w" has 3 values, its state has 2`},
		{"grad length", []Param{{Name: "u", Value: []float32{1, 2}, Grad: []float32{1}}}, `"u" has 2 values but 1 gradients`},
		{"duplicate", []Param{{Name: "u", Value: []float32{1}, Grad: []float32{1}}, {Name: "u", Value: []float32{1}, Grad: []float32{1}}}, `duplicate parameter "u"`},
	}
	for _, tt := range tests {
		before := a.State()
		values := cloneParams(tt.params)
		err := a.Update(tt.params, 0.1, 1)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: Update error = %v, want one containing %q", tt.name, err, tt.want)
		}
		if !reflect.DeepEqual(a.State(), before) || !reflect.DeepEqual(tt.params, values) {
			t.Errorf("%s: failed Update changed the state or the parameters", tt.name)
		}
	}
}

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

// spanTestShapes are parameter lengths that exercise gradSpans and
// forSpans: single elements, an empty parameter, exact and ragged multiples
// of gradChunk, and totals below and above minParallel.
var spanTestShapes = []struct {
	name string
	lens []int
}{
	{"one small", []int{3}},
	{"with empty", []int{5, 0, 7}},
	{"exact chunk", []int{gradChunk}},
	{"ragged below minParallel", []int{gradChunk + 1, 64, 2*gradChunk + 17}},
	{"above minParallel", []int{64, 3*gradChunk + 5, 0, 21440, 16384, 1}},
}

// testProcs are the GOMAXPROCS values the parallel loops are run under.
var testProcs = []int{1, 2, 3, 8}

// withProcs runs f with GOMAXPROCS set to n.
func withProcs(n int, f func()) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(n))
	f()
}

// randomParams returns parameters of the given lengths named p0, p1, ...
// with values and gradients drawn from a generator seeded with seed.
func randomParams(lens []int, seed uint64) []Param {
	rng := rand.New(rand.NewPCG(seed, 1))
	ps := make([]Param, len(lens))
	for i, n := range lens {
		ps[i] = Param{Name: "p" + strconv.Itoa(i), Value: make([]float32, n), Grad: make([]float32, n)}
		for j := range n {
			ps[i].Value[j] = float32(rng.NormFloat64())
			ps[i].Grad[j] = float32(rng.NormFloat64() * 3)
		}
	}
	return ps
}

// refAdamStep is Adam step t written out serially, element by element, as
// the optimizer computed it before its work was split over goroutines.
func refAdamStep(ps []Param, m, v map[string][]float32, t int, b1, b2, eps, lr float64) {
	stepSize := lr / (1 - math.Pow(b1, float64(t)))
	sqrtBC2 := math.Sqrt(1 - math.Pow(b2, float64(t)))
	for _, p := range ps {
		if m[p.Name] == nil {
			m[p.Name], v[p.Name] = make([]float32, len(p.Value)), make([]float32, len(p.Value))
		}
		pm, pv := m[p.Name], v[p.Name]
		for i, g32 := range p.Grad {
			g := float64(g32)
			mi := b1*float64(pm[i]) + (1-b1)*g
			vi := b2*float64(pv[i]) + (1-b2)*g*g
			pm[i], pv[i] = float32(mi), float32(vi)
			denom := math.Sqrt(vi)/sqrtBC2 + eps
			p.Value[i] = float32(float64(p.Value[i]) - stepSize*mi/denom)
		}
	}
}

// sameBits reports whether a and b are bitwise equal and, when they are
// not, the first index where they differ (-1 for different lengths).
func sameBits(a, b []float32) (int, bool) {
	if len(a) != len(b) {
		return -1, false
	}
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
			return i, false
		}
	}
	return 0, true
}

func TestAdamUpdateMatchesSerialReference(t *testing.T) {
	const b1, b2, eps = 0.9, 0.98, 1e-9
	for _, tt := range spanTestShapes {
		for _, procs := range testProcs {
			got, want := randomParams(tt.lens, 7), randomParams(tt.lens, 7)
			grads := randomParams(tt.lens, 8)
			a := NewAdam(b1, b2, eps)
			wm, wv := map[string][]float32{}, map[string][]float32{}
			for step := 1; step <= 3; step++ {
				for i := range got {
					copy(got[i].Grad, grads[i].Grad)
					copy(want[i].Grad, grads[i].Grad)
					for j := range grads[i].Grad {
						grads[i].Grad[j] *= -0.5
					}
				}
				lr := 0.01 * float64(step)
				withProcs(procs, func() {
					if err := a.Update(got, lr, 1); err != nil {
						t.Fatal(err)
					}
				})
				refAdamStep(want, wm, wv, step, b1, b2, eps, lr)
			}
			for i, p := range got {
				for _, c := range []struct {
					what      string
					got, want []float32
				}{
					{"value", p.Value, want[i].Value},
					{"grad", p.Grad, want[i].Grad},
					{"m", a.M[p.Name], wm[p.Name]},
					{"v", a.V[p.Name], wv[p.Name]},
				} {
					if j, ok := sameBits(c.got, c.want); !ok {
						t.Errorf("%s, GOMAXPROCS %d: %s of %s differs from the serial reference at %d", tt.name, procs, c.what, p.Name, j)
					}
				}
			}
		}
	}
}

// TestAdamUpdateScaledIsClipThenUpdate checks that update with the scale
// ClipScale gives, as trainStep calls it, matches clipGradNorm followed by
// Update bitwise, clipping or not.
func TestAdamUpdateScaledIsClipThenUpdate(t *testing.T) {
	lens := []int{64, 3*gradChunk + 5, 0, 21440, 16384, 1}
	for _, maxNorm := range []float64{0, 1, 300, 1e9} {
		for _, procs := range []int{1, 2} {
			fused, twoPass := randomParams(lens, 21), randomParams(lens, 21)
			grads := randomParams(lens, 22)
			a, b := NewAdam(0.9, 0.98, 1e-9), NewAdam(0.9, 0.98, 1e-9)
			scaled := 0
			for step := 1; step <= 3; step++ {
				for i := range grads {
					copy(fused[i].Grad, grads[i].Grad)
					copy(twoPass[i].Grad, grads[i].Grad)
				}
				withProcs(procs, func() {
					scale := ClipScale(GradNorm(fused), maxNorm)
					if scale != 1 {
						scaled++
					}
					if err := a.Update(fused, 0.01, scale); err != nil {
						t.Fatal(err)
					}
					clipGradNorm(twoPass, maxNorm)
					if err := b.Update(twoPass, 0.01, 1); err != nil {
						t.Fatal(err)
					}
				})
			}
			if want := maxNorm == 1 || maxNorm == 300; (scaled > 0) != want {
				t.Errorf("max norm %v: clipped %d of 3 steps; the test wants clipping %v", maxNorm, scaled, want)
			}
			for i, p := range fused {
				for _, c := range []struct {
					what      string
					got, want []float32
				}{
					{"value", p.Value, twoPass[i].Value},
					{"m", a.M[p.Name], b.M[p.Name]},
					{"v", a.V[p.Name], b.V[p.Name]},
				} {
					if j, ok := sameBits(c.got, c.want); !ok {
						t.Errorf("max norm %v, GOMAXPROCS %d: %s of %s after update differs from clipGradNorm then Update at %d", maxNorm, procs, c.what, p.Name, j)
					}
				}
			}
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

func TestGradSpans(t *testing.T) {
	for _, tt := range spanTestShapes {
		ps := randomParams(tt.lens, 1)
		var next span // the span the next one must start at
		for _, s := range gradSpans(ps) {
			for next.param < len(ps) && next.lo == len(ps[next.param].Grad) {
				next = span{param: next.param + 1}
			}
			if s.param != next.param || s.lo != next.lo || s.hi <= s.lo || s.hi-s.lo > gradChunk || s.hi > len(ps[s.param].Grad) {
				t.Fatalf("%s: span %+v after elements up to %+v, want one of 1..%d elements starting there", tt.name, s, next, gradChunk)
			}
			next.lo = s.hi
		}
		for next.param < len(ps) && next.lo == len(ps[next.param].Grad) {
			next = span{param: next.param + 1}
		}
		if next.param != len(ps) {
			t.Errorf("%s: spans stop at %+v, want every element of %v covered", tt.name, next, tt.lens)
		}
	}
}

func TestForSpansCallsEachOnce(t *testing.T) {
	for _, tt := range spanTestShapes {
		ss := gradSpans(randomParams(tt.lens, 1))
		for _, procs := range testProcs {
			calls := make([]int, len(ss)) // each k is written by one call only
			withProcs(procs, func() { forSpans(ss, func(k int) { calls[k]++ }) })
			for k, n := range calls {
				if n != 1 {
					t.Errorf("%s, GOMAXPROCS %d: span %d called %d times, want 1", tt.name, procs, k, n)
				}
			}
		}
	}
}

// tinyModelLens are the parameter lengths of the model of configs/tiny.yaml
// (269,120 values), in no particular order.
func tinyModelLens() []int {
	lens := []int{13952, 21440, 64, 64, 64, 64} // embeddings, final norms
	for range 2 {
		lens = append(lens, 16384, 256, 16384, 64, 64, 64, 64, 64) // encoder: ff, norms
		for range 4 {
			lens = append(lens, 4096, 64) // self-attention
		}
	}
	for range 2 {
		lens = append(lens, 16384, 256, 16384, 64, 64, 64, 64, 64, 64, 64) // decoder: ff, norms
		for range 8 {
			lens = append(lens, 4096, 64) // self- and cross-attention
		}
	}
	return lens
}

// BenchmarkSerialPart times the work of a two-worker training step after
// the graphs have run, on the parameters of the tiny model: the serial
// reference (combine, gradsFinite, norm, scaling and Adam, one pass each on
// one goroutine, as before they were split and fused) against what
// parallelStep and trainStep now call: CombineGrads, GradNorm and update.
func BenchmarkSerialPart(b *testing.B) {
	lens := tinyModelLens()
	src0, src1 := randomParams(lens, 1), randomParams(lens, 2)
	p0, p1 := randomParams(lens, 1), randomParams(lens, 2)
	refill := func() {
		for i := range p0 {
			copy(p0[i].Grad, src0[i].Grad)
			copy(p1[i].Grad, src1[i].Grad)
		}
	}
	b.Run("serial reference", func(b *testing.B) {
		m, v := map[string][]float32{}, map[string][]float32{}
		for i := 0; b.Loop(); i++ {
			refill()
			for k := range p0 {
				g0, g1 := p0[k].Grad, p1[k].Grad
				for j := range g0 {
					g0[j] = float32(0.4*float64(g0[j]) + 0.6*float64(g1[j]))
				}
				clear(g1)
			}
			if !gradsFinite(p0) {
				b.Fatal("non-finite gradients")
			}
			refClip(p0, 1)
			refAdamStep(p0, m, v, i+1, 0.9, 0.98, 1e-9, 1e-3)
		}
	})
	b.Run("parallel", func(b *testing.B) {
		a := NewAdam(0.9, 0.98, 1e-9)
		for b.Loop() {
			refill()
			CombineGrads(p0, p1, 0.4, 0.6)
			norm := GradNorm(p0)
			if math.IsNaN(norm) || math.IsInf(norm, 0) {
				b.Fatal("non-finite gradients")
			}
			if err := a.Update(p0, 1e-3, ClipScale(norm, 1)); err != nil {
				b.Fatal(err)
			}
		}
	})
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
