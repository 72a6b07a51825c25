package graph

import (
	"fmt"
	"math"

	"gorgonia.org/tensor"
)

// Param is one trainable tensor: a stable dotted name such as
// "encoder.0.self_attn.q.weight", its shape, and its value. The value is
// shared by every graph built from the registry.
type Param struct {
	Name  string
	Value *tensor.Dense
}

// Shape returns the parameter's shape.
func (p *Param) Shape() tensor.Shape { return p.Value.Shape() }

// Size returns the number of scalars in the parameter.
func (p *Param) Size() int { return p.Value.Shape().TotalSize() }

// Params is a named, ordered parameter registry. The order is the order of
// registration, which the model fixes, so optimizer state, checkpoints and
// weight digests are stable across runs.
type Params struct {
	Dtype  tensor.Dtype
	list   []*Param
	byName map[string]*Param
}

// NewParams returns an empty registry whose tensors have dtype dt (Float32
// for training, Float64 for gradient checks).
func NewParams(dt tensor.Dtype) *Params {
	return &Params{Dtype: dt, byName: map[string]*Param{}}
}

// Init fills a new parameter of the given shape.
type Init func(rng *RNG, shape []int) []float64

// Add registers a parameter and initialises it with init drawn from rng. It
// returns an error on a duplicate name or an empty shape.
func (ps *Params) Add(name string, shape []int, init Init, rng *RNG) (*Param, error) {
	if _, dup := ps.byName[name]; dup {
		return nil, fmt.Errorf("register parameter %q: duplicate name", name)
	}
	n := 1
	for _, d := range shape {
		if d <= 0 {
			return nil, fmt.Errorf("register parameter %q: bad shape %v", name, shape)
		}
		n *= d
	}
	vals := init(rng, shape)
	if len(vals) != n {
		return nil, fmt.Errorf("register parameter %q: initialiser gave %d values for shape %v", name, len(vals), shape)
	}
	p := &Param{Name: name, Value: denseFrom(ps.Dtype, vals, shape)}
	ps.list = append(ps.list, p)
	ps.byName[name] = p
	return p, nil
}

// List returns the parameters in registration order.
func (ps *Params) List() []*Param { return ps.list }

// Get returns the parameter called name, or nil.
func (ps *Params) Get(name string) *Param { return ps.byName[name] }

// Count returns the total number of scalars over all parameters.
func (ps *Params) Count() int {
	n := 0
	for _, p := range ps.list {
		n += p.Size()
	}
	return n
}

// denseFrom builds a tensor of dtype dt holding vals.
func denseFrom(dt tensor.Dtype, vals []float64, shape []int) *tensor.Dense {
	switch dt {
	case tensor.Float32:
		f := make([]float32, len(vals))
		for i, v := range vals {
			f[i] = float32(v)
		}
		return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(f))
	case tensor.Float64:
		f := append([]float64(nil), vals...)
		return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(f))
	}
	panic(fmt.Sprintf("graph: unsupported dtype %v", dt))
}

// Float64s returns a copy of a float32 or float64 tensor's data as float64.
func Float64s(t tensor.Tensor) []float64 {
	switch d := t.Data().(type) {
	case []float32:
		out := make([]float64, len(d))
		for i, v := range d {
			out[i] = float64(v)
		}
		return out
	case []float64:
		return append([]float64(nil), d...)
	case float32:
		return []float64{float64(d)}
	case float64:
		return []float64{d}
	}
	panic(fmt.Sprintf("graph: unsupported data %T", t.Data()))
}

// XavierUniform is Glorot's uniform initialiser for a (fanIn, fanOut) matrix.
func XavierUniform(rng *RNG, shape []int) []float64 {
	fanIn, fanOut := shape[0], shape[len(shape)-1]
	a := math.Sqrt(6 / float64(fanIn+fanOut))
	return fill(shape, func() float64 { return rng.Uniform(-a, a) })
}

// NormalInit returns an initialiser drawing from N(0, std²).
func NormalInit(std float64) Init {
	return func(rng *RNG, shape []int) []float64 {
		return fill(shape, func() float64 { return std * rng.Normal() })
	}
}

// Constant returns an initialiser setting every value to c.
func Constant(c float64) Init {
	return func(_ *RNG, shape []int) []float64 {
		return fill(shape, func() float64 { return c })
	}
}

func fill(shape []int, f func() float64) []float64 {
	n := 1
	for _, d := range shape {
		n *= d
	}
	out := make([]float64, n)
	for i := range out {
		out[i] = f()
	}
	return out
}
