package graph

import (
	"errors"
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// BuildError is the error a Builder method panics with; Build recovers it.
type BuildError struct {
	Op  string
	Err error
}

func (e *BuildError) Error() string { return fmt.Sprintf("build %s: %v", e.Op, e.Err) }
func (e *BuildError) Unwrap() error { return e.Err }

// Builder builds one Gorgonia graph over a parameter registry. Parameter
// nodes are created on first use with the registry's tensor as their value,
// so every graph built from one registry shares the same weights. Its methods
// panic with *BuildError; call them inside Build.
type Builder struct {
	G        *G.ExprGraph
	Params   *Params
	Train    bool // dropout is active only when Train is set
	nodes    map[string]*G.Node
	dropouts []*DropoutMask
	tags     map[string]*G.Node
	consts   int
	zeros32  []float32 // shared backing of Release's placeholders
	zeros64  []float64
}

// NewBuilder returns a builder of a new graph over params.
func NewBuilder(params *Params, train bool) *Builder {
	return &Builder{
		G:      G.NewGraph(),
		Params: params,
		Train:  train,
		nodes:  map[string]*G.Node{},
		tags:   map[string]*G.Node{},
	}
}

// Build runs fn, turning a *BuildError panic into a returned error.
func (b *Builder) Build(fn func(b *Builder)) (err error) {
	defer func() {
		if r := recover(); r != nil {
			var be *BuildError
			if e, ok := r.(error); ok && errors.As(e, &be) {
				err = be
				return
			}
			panic(r)
		}
	}()
	fn(b)
	return nil
}

// Fail aborts the build with an error attributed to op.
func (b *Builder) Fail(op string, err error) {
	panic(&BuildError{Op: op, Err: err})
}

func (b *Builder) must(op string, n *G.Node, err error) *G.Node {
	if err != nil {
		b.Fail(op, err)
	}
	return n
}

// Dtype returns the element type of the graph.
func (b *Builder) Dtype() tensor.Dtype { return b.Params.Dtype }

// Param returns the node of the registered parameter called name.
func (b *Builder) Param(name string) *G.Node {
	if n, ok := b.nodes[name]; ok {
		return n
	}
	p := b.Params.Get(name)
	if p == nil {
		b.Fail("param", fmt.Errorf("no parameter %q", name))
	}
	// A fresh tensor header over the shared backing array: Gorgonia's
	// matrix product transposes its operand's header in place during the
	// backward pass, so graphs running at once must not share headers.
	view := tensor.New(tensor.WithShape(p.Shape().Clone()...), tensor.WithBacking(p.Value.Data()))
	n := G.NewTensor(b.G, b.Dtype(), p.Shape().Dims(), G.WithShape(p.Shape().Clone()...), G.WithName(name), G.WithValue(view))
	b.nodes[name] = n
	return n
}

// ParamNodes returns the parameters this graph uses and their nodes, in
// registry order.
func (b *Builder) ParamNodes() ([]*Param, G.Nodes) {
	var ps []*Param
	var ns G.Nodes
	for _, p := range b.Params.List() {
		if n, ok := b.nodes[p.Name]; ok {
			ps = append(ps, p)
			ns = append(ns, n)
		}
	}
	return ps, ns
}

// Input returns a new input node of the given dtype and shape; its value is
// set with gorgonia.Let before each run.
func (b *Builder) Input(name string, dt tensor.Dtype, shape ...int) *G.Node {
	return G.NewTensor(b.G, dt, len(shape), G.WithShape(shape...), G.WithName(name))
}

// Constant returns a node holding a fixed tensor of the graph's dtype. Its
// name gets a unique suffix: Gorgonia merges input nodes of equal name and
// shape whatever their values.
func (b *Builder) Constant(name string, vals []float64, shape ...int) *G.Node {
	t := denseFrom(b.Dtype(), vals, shape)
	b.consts++
	name = fmt.Sprintf("%s#%d", name, b.consts)
	return G.NewTensor(b.G, b.Dtype(), len(shape), G.WithShape(shape...), G.WithName(name), G.WithValue(t))
}

// Tag records n under name so callers can read its value after a run (for
// example attention probabilities for a heatmap).
func (b *Builder) Tag(name string, n *G.Node) { b.tags[name] = n }

// Tagged returns the node recorded under name, or nil.
func (b *Builder) Tagged(name string) *G.Node { return b.tags[name] }

// MatMul multiplies 2-D a (N, K) by 2-D w (K, M).
func (b *Builder) MatMul(a, w *G.Node) *G.Node {
	return b.MatMulT(a, w, false, false)
}

// MatMulT multiplies 2-D op(x) by op(y), transposing either as asked (the
// transpose is folded into the product, never copied).
func (b *Builder) MatMulT(x, y *G.Node, transX, transY bool) *G.Node {
	n, err := MatMul(x, y, transX, transY)
	return b.must("matmul", n, err)
}

// Affine returns x (N, K) · w (K, M) + bias (M) as one fused op.
func (b *Builder) Affine(x, w, bias *G.Node) *G.Node {
	n, err := Affine(x, w, bias)
	return b.must("affine", n, err)
}

// batchedMatMul multiplies 3-D a and b batch by batch, transposing as asked.
func (b *Builder) batchedMatMul(x, y *G.Node, transA, transB bool) *G.Node {
	n, err := G.BatchedMatMul(x, y, transA, transB)
	return b.must("batched matmul", n, err)
}

// Add adds two nodes of equal shape.
func (b *Builder) Add(x, y *G.Node) *G.Node {
	n, err := G.Add(x, y)
	return b.must("add", n, err)
}

// Mul multiplies two nodes of equal shape elementwise.
func (b *Builder) Mul(x, y *G.Node) *G.Node {
	n, err := G.HadamardProd(x, y)
	return b.must("hadamard product", n, err)
}

// scale multiplies x by the constant c.
func (b *Builder) scale(x *G.Node, c float64) *G.Node {
	var s *G.Node
	switch b.Dtype() {
	case tensor.Float32:
		s = G.NewConstant(float32(c))
	default:
		s = G.NewConstant(c)
	}
	n, err := G.HadamardProd(x, s)
	return b.must("scale", n, err)
}

// reshape reshapes x to shape.
func (b *Builder) reshape(x *G.Node, shape ...int) *G.Node {
	n, err := G.Reshape(x, tensor.Shape(shape))
	return b.must("reshape", n, err)
}

// transpose permutes the axes of x.
func (b *Builder) transpose(x *G.Node, axes ...int) *G.Node {
	n, err := G.Transpose(x, axes...)
	return b.must("transpose", n, err)
}

// ReLU applies max(0, x).
func (b *Builder) ReLU(x *G.Node) *G.Node {
	n, err := G.Rectify(x)
	return b.must("relu", n, err)
}

// lookup returns the rows of table (V, D) selected by the Int node ids (N).
func (b *Builder) lookup(table, ids *G.Node) *G.Node {
	n, err := G.ByIndices(table, ids, 0)
	return b.must("lookup", n, err)
}

// softmax applies softmax(scale*x) over the last axis.
func (b *Builder) softmax(x *G.Node, scale float64) *G.Node {
	n, err := Softmax(x, scale)
	return b.must("softmax", n, err)
}

// MaskedSoftmax applies softmax(scale*x + mask) over the last axis.
func (b *Builder) MaskedSoftmax(x, mask *G.Node, scale float64) *G.Node {
	n, err := MaskedSoftmax(x, mask, scale)
	return b.must("masked softmax", n, err)
}

// LayerNorm normalises the rows of x (N, D), then scales them by gamma (D)
// and shifts them by beta (D), as one fused op.
func (b *Builder) LayerNorm(x, gamma, beta *G.Node, eps float64) *G.Node {
	n, err := LayerNorm(x, gamma, beta, eps)
	return b.must("layer norm", n, err)
}

// CrossEntropy is SmoothedCrossEntropy on the builder's graph.
func (b *Builder) CrossEntropy(logits, targets *G.Node, eps float64, pad int) *G.Node {
	n, err := SmoothedCrossEntropy(logits, targets, eps, pad)
	return b.must("cross-entropy", n, err)
}

// bmm multiplies 3-D x and y batch by batch with the project's kernel.
func (b *Builder) bmm(x, y *G.Node, transA, transB bool) *G.Node {
	n, err := BMM(x, y, transA, transB)
	return b.must("bmm", n, err)
}

// HeadScores is HeadScores on the builder's graph: q (B*Tq, D) and k
// (B*Tk, D) to the per-head scores Q·Kᵀ (B*H, Tq, Tk).
func (b *Builder) HeadScores(q, k *G.Node, batch, heads int) *G.Node {
	n, err := HeadScores(q, k, batch, heads)
	return b.must("head scores", n, err)
}

// HeadContext is HeadContext on the builder's graph: p (B*H, Tq, Tk) and v
// (B*Tk, D) to the per-head P·V in the activation layout (B*Tq, D).
func (b *Builder) HeadContext(p, v *G.Node, batch, heads int) *G.Node {
	n, err := HeadContext(p, v, batch, heads)
	return b.must("head context", n, err)
}
