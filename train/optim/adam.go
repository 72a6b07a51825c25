package optim

import (
	"fmt"
	"math"
)

// Param is one named float32 parameter as the optimizer sees it: its values
// and the gradient the graph engine accumulated into Grad. Value and Grad
// have the same length and are updated in place.
type Param struct {
	Name  string
	Value []float32
	Grad  []float32
}

// AdamState is the part of Adam a checkpoint stores: the number of steps
// taken and the first and second moments keyed by parameter name.
type AdamState struct {
	Step int
	M, V map[string][]float32
}

// Adam is the Adam optimizer of Kingma and Ba with bias correction, as
// torch.optim.Adam computes it, without weight decay. Its moments are keyed
// by parameter name, so they survive a checkpoint whatever the parameter
// order, and are allocated the first time a name is seen.
//
// Each update is computed in float64 from the float32 state and gradient and
// the results are stored back as float32. Each element's update depends on
// that element alone, whichever goroutine computes it, and maps are only
// looked up, never ranged over, so equal inputs give bitwise equal results.
type Adam struct {
	Beta1, Beta2, Eps float64
	Step              int
	M, V              map[string][]float32
}

// NewAdam returns an Adam optimizer with the given decay rates and epsilon
// and no state.
func NewAdam(beta1, beta2, eps float64) *Adam {
	return &Adam{Beta1: beta1, Beta2: beta2, Eps: eps, M: map[string][]float32{}, V: map[string][]float32{}}
}

// Update takes one Adam step with learning rate lr on every parameter, its
// gradient first multiplied by gradScale (each product rounded to float32,
// as clipping stores it; pass ClipScale's factor to clip in the same pass,
// 1 for none). It leaves Grad as it was: whoever owns the gradient buffers
// zeroes them. For a step t (1-based) and gradient g it computes
//
//	m = beta1*m + (1-beta1)*g
//	v = beta2*v + (1-beta2)*g*g
//	value -= lr/(1-beta1^t) * m / (sqrt(v)/sqrt(1-beta2^t) + eps)
//
// It checks every parameter before changing anything: a Value and Grad of
// different lengths, a duplicate name, or a name whose length differs from
// its stored state is an error and leaves the optimizer and the parameters
// untouched. The elementwise work is split over goroutines (see forSpans);
// each element's arithmetic is the same whatever the split.
func (a *Adam) Update(params []Param, lr, gradScale float64) error {
	if err := a.check(params); err != nil {
		return err
	}
	if a.M == nil {
		a.M = map[string][]float32{}
	}
	if a.V == nil {
		a.V = map[string][]float32{}
	}
	a.Step++
	t := float64(a.Step)
	c := adamCoeffs{b1: a.Beta1, b2: a.Beta2, eps: a.Eps, gradScale: gradScale,
		stepSize: lr / (1 - math.Pow(a.Beta1, t)), sqrtBC2: math.Sqrt(1 - math.Pow(a.Beta2, t))}
	ms, vs := make([][]float32, len(params)), make([][]float32, len(params))
	for i, p := range params {
		ms[i], vs[i] = a.moments(p.Name, len(p.Value))
	}
	ss := gradSpans(params)
	forSpans(ss, func(k int) {
		s := ss[k]
		p := params[s.param]
		c.apply(p.Value[s.lo:s.hi], p.Grad[s.lo:s.hi], ms[s.param][s.lo:s.hi], vs[s.param][s.lo:s.hi])
	})
	return nil
}

// adamCoeffs are the constants of one Adam step: the decay rates, epsilon,
// the gradient scale, lr/(1-beta1^t) and sqrt(1-beta2^t).
type adamCoeffs struct {
	b1, b2, eps, gradScale float64
	stepSize, sqrtBC2      float64
}

// apply takes the step on the elements of value with gradients grad (each
// scaled by gradScale first) and moments m and v (all of one length).
func (c adamCoeffs) apply(value, grad, m, v []float32) {
	value, m, v = value[:len(grad)], m[:len(grad)], v[:len(grad)]
	b1, b2 := c.b1, c.b2
	for i, g32 := range grad {
		g := float64(float32(float64(g32) * c.gradScale)) // g32 itself when gradScale is 1
		mi := b1*float64(m[i]) + (1-b1)*g
		vi := b2*float64(v[i]) + (1-b2)*g*g
		m[i], v[i] = float32(mi), float32(vi)
		denom := math.Sqrt(vi)/c.sqrtBC2 + c.eps
		value[i] = float32(float64(value[i]) - c.stepSize*mi/denom)
	}
}

// check reports the first parameter Update could not apply.
func (a *Adam) check(params []Param) error {
	seen := make(map[string]bool, len(params))
	for _, p := range params {
		if seen[p.Name] {
			return fmt.Errorf("adam update: duplicate parameter %q", p.Name)
		}
		seen[p.Name] = true
		if len(p.Grad) != len(p.Value) {
			return fmt.Errorf("adam update: parameter %q has %d values but %d gradients", p.Name, len(p.Value), len(p.Grad))
		}
		if m, ok := a.M[p.Name]; ok && len(m) != len(p.Value) {
			return fmt.Errorf("adam update: parameter %q has %d values, its state has %d", p.Name, len(p.Value), len(m))
		}
		if v, ok := a.V[p.Name]; ok && len(v) != len(p.Value) {
			return fmt.Errorf("adam update: parameter %q has %d values, its state has %d", p.Name, len(p.Value), len(v))
		}
	}
	return nil
}

// moments returns the state of name, allocating zeros of length n the first
// time the name is seen.
func (a *Adam) moments(name string, n int) (m, v []float32) {
	m, ok := a.M[name]
	if !ok {
		m = make([]float32, n)
		a.M[name] = m
	}
	v, ok = a.V[name]
	if !ok {
		v = make([]float32, n)
		a.V[name] = v
	}
	return m, v
}

// State returns a deep copy of the optimizer's step count and moments.
func (a *Adam) State() AdamState {
	return AdamState{Step: a.Step, M: copyMoments(a.M), V: copyMoments(a.V)}
}

// Restore replaces the optimizer's step count and moments with a deep copy
// of s. It returns an error, and changes nothing, when s.M and s.V do not
// hold the same names with the same lengths or s.Step is negative.
func (a *Adam) Restore(s AdamState) error {
	if s.Step < 0 {
		return fmt.Errorf("restore adam state: negative step %d", s.Step)
	}
	if len(s.M) != len(s.V) {
		return fmt.Errorf("restore adam state: %d first moments but %d second moments", len(s.M), len(s.V))
	}
	for name, m := range s.M {
		v, ok := s.V[name]
		if !ok {
			return fmt.Errorf("restore adam state: parameter %q has a first moment but no second moment", name)
		}
		if len(v) != len(m) {
			return fmt.Errorf("restore adam state: parameter %q has moments of lengths %d and %d", name, len(m), len(v))
		}
	}
	a.Step, a.M, a.V = s.Step, copyMoments(s.M), copyMoments(s.V)
	return nil
}

// copyMoments returns a deep copy of m (never nil).
func copyMoments(m map[string][]float32) map[string][]float32 {
	out := make(map[string][]float32, len(m))
	for name, xs := range m {
		out[name] = append([]float32(nil), xs...)
	}
	return out
}
