package graph

import (
	"fmt"
	"math"
	"sort"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// CheckOptions configures CheckGradients.
type CheckOptions struct {
	// H is the central-difference step; the estimate is Richardson-extrapolated
	// from steps H and H/2, so its truncation error is O(H⁴). Default 1e-4.
	H float64
	// MaxPerTensor caps how many elements of each parameter are checked
	// (chosen with Seed); 0 checks every element.
	MaxPerTensor int
	// Seed chooses the checked elements and the dropout masks.
	Seed uint64
	// Train builds the graph with dropout; its masks are drawn once and
	// then held fixed, so the function being checked is deterministic.
	Train bool
	// Floor is the smallest denominator of the relative error, so that
	// gradients that are zero up to rounding compare absolutely: with the
	// default 1e-4 and a 1e-6 relative tolerance, a gradient below 1e-4 must
	// match within 1e-10. The difference quotient's rounding noise is about
	// 1e-16·|f|/H ≈ 1e-11 here, which a smaller floor would report as error.
	Floor float64
}

// GradReport is the outcome of CheckGradients for one parameter.
type GradReport struct {
	Name      string
	Checked   int
	MaxRelErr float64 // max over checked elements of |a-n| / max(|a|, |n|, Floor)
	Worst     int     // flat index of the element with MaxRelErr
	Analytic  float64 // gradient values at Worst
	Numeric   float64
}

// GradReports is a list of per-parameter reports.
type GradReports []GradReport

// Max returns the largest relative error over all reports.
func (rs GradReports) Max() float64 {
	m := 0.0
	for _, r := range rs {
		m = math.Max(m, r.MaxRelErr)
	}
	return m
}

// String lists the reports, worst first.
func (rs GradReports) String() string {
	sorted := append(GradReports(nil), rs...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].MaxRelErr > sorted[j].MaxRelErr })
	s := ""
	for _, r := range sorted {
		s += fmt.Sprintf("%-40s checked %4d  max rel err %.3g (index %d: analytic %.10g numeric %.10g)\n",
			r.Name, r.Checked, r.MaxRelErr, r.Worst, r.Analytic, r.Numeric)
	}
	return s
}

// CheckGradients compares Gorgonia's gradients of the scalar that build
// returns with float64 central differences, for every parameter the graph
// uses. params must be a Float64 registry. setup, if not nil, binds the
// graph's inputs once before the first run.
func CheckGradients(params *Params, build func(b *Builder) *G.Node, setup func(b *Builder) error, opt CheckOptions) (GradReports, error) {
	if params.Dtype != tensor.Float64 {
		return nil, fmt.Errorf("gradient check: registry dtype is %v, want float64", params.Dtype)
	}
	opt = opt.withDefaults()
	b := NewBuilder(params, opt.Train)
	var cost *G.Node
	if err := b.Build(func(b *Builder) { cost = build(b) }); err != nil {
		return nil, fmt.Errorf("gradient check: %w", err)
	}
	ps, nodes := b.ParamNodes()
	if _, err := G.Grad(cost, nodes...); err != nil {
		return nil, fmt.Errorf("gradient check: differentiate: %w", err)
	}
	m := G.NewTapeMachine(b.G, G.BindDualValues(nodes...))
	defer m.Close()
	rng := NewRNG(opt.Seed)
	if err := b.FillDropout(rng); err != nil {
		return nil, err
	}
	if setup != nil {
		if err := setup(b); err != nil {
			return nil, fmt.Errorf("gradient check: setup: %w", err)
		}
	}
	run := func() (float64, error) {
		m.Reset()
		if err := m.RunAll(); err != nil {
			return 0, fmt.Errorf("gradient check: run: %w", err)
		}
		return scalarOf(cost.Value())
	}
	if _, err := run(); err != nil {
		return nil, err
	}
	analytic := make([][]float64, len(nodes))
	for i, n := range nodes {
		g, err := n.Grad()
		if err != nil {
			return nil, fmt.Errorf("gradient check: gradient of %s: %w", ps[i].Name, err)
		}
		analytic[i] = Float64s(g.(tensor.Tensor))
	}
	reports := make(GradReports, len(ps))
	for i, p := range ps {
		r, err := checkParam(p, analytic[i], run, rng, opt)
		if err != nil {
			return nil, err
		}
		reports[i] = r
	}
	return reports, nil
}

func (opt CheckOptions) withDefaults() CheckOptions {
	if opt.H == 0 {
		opt.H = 1e-4
	}
	if opt.Floor == 0 {
		opt.Floor = 1e-4
	}
	return opt
}

// checkParam estimates the gradient of one parameter numerically at chosen
// elements and compares it with the analytic gradient.
func checkParam(p *Param, analytic []float64, run func() (float64, error), rng *RNG, opt CheckOptions) (GradReport, error) {
	data := p.Value.Float64s()
	r := GradReport{Name: p.Name}
	for _, idx := range chooseIndices(len(data), opt.MaxPerTensor, rng) {
		num, err := numericAt(data, idx, opt.H, run)
		if err != nil {
			return r, fmt.Errorf("gradient check %s[%d]: %w", p.Name, idx, err)
		}
		a := analytic[idx]
		rel := math.Abs(a-num) / math.Max(opt.Floor, math.Max(math.Abs(a), math.Abs(num)))
		if rel > r.MaxRelErr || r.Checked == 0 {
			r.MaxRelErr, r.Worst, r.Analytic, r.Numeric = rel, idx, a, num
		}
		r.Checked++
	}
	return r, nil
}

// numericAt is the Richardson-extrapolated central difference of run with
// respect to data[idx]: (4·D(h/2) − D(h)) / 3.
func numericAt(data []float64, idx int, h float64, run func() (float64, error)) (float64, error) {
	orig := data[idx]
	defer func() { data[idx] = orig }()
	diff := func(step float64) (float64, error) {
		data[idx] = orig + step
		fp, err := run()
		if err != nil {
			return 0, err
		}
		data[idx] = orig - step
		fm, err := run()
		if err != nil {
			return 0, err
		}
		return (fp - fm) / (2 * step), nil
	}
	d1, err := diff(h)
	if err != nil {
		return 0, err
	}
	d2, err := diff(h / 2)
	if err != nil {
		return 0, err
	}
	return (4*d2 - d1) / 3, nil
}

// chooseIndices returns max distinct indices of [0, n) chosen by rng, in
// increasing order, or all of them.
func chooseIndices(n, max int, rng *RNG) []int {
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	if max <= 0 || max >= n {
		return idx
	}
	for i := 0; i < max; i++ {
		j := i + int(rng.Uint64()%uint64(n-i))
		idx[i], idx[j] = idx[j], idx[i]
	}
	idx = idx[:max]
	sort.Ints(idx)
	return idx
}
