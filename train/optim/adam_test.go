package optim

import (
	"math"
	"math/rand/v2"
	"reflect"
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
