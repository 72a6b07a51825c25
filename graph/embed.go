package graph

import (
	"fmt"
	"hash"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// embedOp maps (w, ids, pe) to out[i] = w[ids[i]]·scale + pe[i mod T] for a
// table w (V, D), Int ids (N = B*T) and positions pe (T, D): a token
// embedding scaled and added to its position in one pass, into a pooled
// output (pe is not tiled per sentence). Gorgonia's
// ByIndices, a multiplication by a constant and an Add take three passes
// forward and more backward, among them a reduction for the gradient of the
// constant, which nothing uses.
//
// Each element is rounded to the dtype after the product and again after
// the sum, T(w·scale) + pe, which is what the three-node graph computes and
// what train/infer mirrors; in float32 the values are bitwise those.
type embedOp struct {
	opBase
	scale float64
}

// Embed returns w[ids]·scale + pe for a 2-D table w (V, D), a 1-D Int node
// ids (N) and a 2-D pe (T, D) of w's dtype with N a multiple of T: row i
// adds pe row i mod T (sentences of T tokens, one after the other). Only w has a gradient: ids are
// integers and pe is taken to be constant. Ids outside [0, V) fail the run
// with an error naming the first one.
func Embed(w, ids, pe *G.Node, scale float64) (*G.Node, error) {
	ws, is, ps := w.Shape(), ids.Shape(), pe.Shape()
	if ws.Dims() != 2 || is.Dims() != 1 || ps.Dims() != 2 || ps[0] == 0 || is[0]%ps[0] != 0 || ps[1] != ws[1] {
		return nil, fmt.Errorf("embed: shapes table %v, ids %v, positions %v do not fit", ws, is, ps)
	}
	if ids.Dtype() != tensor.Int {
		return nil, fmt.Errorf("embed: ids have dtype %v, want int", ids.Dtype())
	}
	if w.Dtype() != pe.Dtype() {
		return nil, fmt.Errorf("embed: table dtype %v, positions dtype %v", w.Dtype(), pe.Dtype())
	}
	return G.ApplyOp(&embedOp{scale: scale}, w, ids, pe)
}

// Embed is Embed on the builder's graph: the rows of table (V, D) chosen by
// the Int node ids (N), times scale, plus pe (T, D) repeated every T rows,
// as one fused op.
func (b *Builder) Embed(table, ids, pe *G.Node, scale float64) *G.Node {
	n, err := Embed(table, ids, pe, scale)
	return b.must("embed", n, err)
}

func (embedOp) Arity() int { return 3 }
func (embedOp) Type() hm.Type {
	a := hm.TypeVariable('a')
	m := G.TensorType{Dims: 2, Of: a}
	return hm.NewFnType(m, G.TensorType{Dims: 1, Of: tensor.Int}, m, m)
}
func (embedOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	return tensor.Shape{in[1].(tensor.Shape)[0], in[0].(tensor.Shape)[1]}, nil // (N, D)
}
func (op embedOp) String() string        { return fmt.Sprintf("Embed{scale=%v}", op.scale) }
func (op embedOp) WriteHash(h hash.Hash) { writeHash(h, op) }
func (op embedOp) Hashcode() uint32      { return hashOf(op) }

func (op *embedOp) Do(vals ...G.Value) (G.Value, error) {
	w, ids, pe, err := embedInputs("embed", vals[0], vals[1], vals[2], true)
	if err != nil {
		return nil, err
	}
	out := op.newOut(w.Dtype(), tensor.Shape{len(ids), w.Shape()[1]}, false) // every element written below
	switch out.Dtype() {
	case tensor.Float32:
		embedRows(out.Float32s(), w.Float32s(), pe.Float32s(), ids, float32(op.scale))
	case tensor.Float64:
		embedRows(out.Float64s(), w.Float64s(), pe.Float64s(), ids, op.scale)
	default:
		return nil, fmt.Errorf("embed: unsupported dtype %v", out.Dtype())
	}
	return out, nil
}

// embedInputs checks a table (V, D), ids (N) inside [0, V) and rows (N, D)
// of the table's dtype, or (T, D) with N a multiple of T when tiled, and
// returns them with the ids as ints.
func embedInputs(name string, table, ids, rows G.Value, tiled bool) (w *tensor.Dense, idx []int, r *tensor.Dense, err error) {
	w, ok := table.(*tensor.Dense)
	if !ok {
		return nil, nil, nil, fmt.Errorf("%s: table is %T, want *tensor.Dense", name, table)
	}
	it, ok := ids.(*tensor.Dense)
	if !ok || it.Dtype() != tensor.Int {
		return nil, nil, nil, fmt.Errorf("%s: ids are %T of %v, want an Int *tensor.Dense", name, ids, ids.Dtype())
	}
	r, ok = rows.(*tensor.Dense)
	if !ok {
		return nil, nil, nil, fmt.Errorf("%s: rows are %T, want *tensor.Dense", name, rows)
	}
	ws, rs := w.Shape(), r.Shape()
	idx = it.Ints()
	fits := rs[0] == len(idx) // one row per id, or rows repeated every rs[0] ids when tiled
	if tiled && len(rs) == 2 && rs[0] > 0 {
		fits = len(idx)%rs[0] == 0
	}
	if len(ws) != 2 || len(rs) != 2 || !fits || rs[1] != ws[1] || r.Dtype() != w.Dtype() {
		return nil, nil, nil, fmt.Errorf("%s: table %v %v, %d ids, rows %v %v do not fit", name, ws, w.Dtype(), len(idx), rs, r.Dtype())
	}
	for i, id := range idx {
		if id < 0 || id >= ws[0] {
			return nil, nil, nil, fmt.Errorf("%s: id %d at position %d is outside the table of %d rows", name, id, i, ws[0])
		}
	}
	return w, idx, r, nil
}

// embedRows writes out[i] = T(w[ids[i]]·scale) + pe[i] row by row. The
// conversion rounds the product before the sum (no fused multiply-add).
func embedRows[T float](out, w, pe []T, ids []int, scale T) {
	if len(ids) == 0 {
		return
	}
	d := len(out) / len(ids)
	t := len(pe) / d // positions: sentences of t tokens
	for i, id := range ids {
		o, e := out[i*d:(i+1)*d], w[id*d:(id+1)*d]
		p := pe[i%t*d : (i%t+1)*d]
		e, p = e[:len(o)], p[:len(o)] // no bounds checks in the loop
		for k := range o {
			o[k] = T(e[k]*scale) + p[k]
		}
	}
}

func (embedOp) DiffWRT(int) []bool { return []bool{true, false, false} }

// SymDiff: dw = the scatter-add of scale·dy's rows into the rows ids name.
func (op *embedOp) SymDiff(inputs G.Nodes, _, grad *G.Node) (G.Nodes, error) {
	dw, err := G.ApplyOp(&embedGradOp{scale: op.scale}, inputs[0], inputs[1], grad)
	if err != nil {
		return nil, err
	}
	return G.Nodes{dw, nil, nil}, nil
}

// embedGradOp maps (w, ids, dy) to the gradient of Embed with respect to
// the table: a (V, D) zero matrix into whose row ids[i] scale·dy[i] is
// added, for i in order (duplicate ids accumulate). w gives the shape only.
// Gradient-only; Embed's gradient check covers it.
type embedGradOp struct {
	opBase
	scale float64
}

func (embedGradOp) Arity() int { return 3 }
func (embedGradOp) Type() hm.Type {
	a := hm.TypeVariable('a')
	m := G.TensorType{Dims: 2, Of: a}
	return hm.NewFnType(m, G.TensorType{Dims: 1, Of: tensor.Int}, m, m)
}
func (embedGradOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	return in[0].(tensor.Shape).Clone(), nil
}
func (op embedGradOp) String() string        { return fmt.Sprintf("EmbedGrad{scale=%v}", op.scale) }
func (op embedGradOp) WriteHash(h hash.Hash) { writeHash(h, op) }
func (op embedGradOp) Hashcode() uint32      { return hashOf(op) }

func (op *embedGradOp) Do(vals ...G.Value) (G.Value, error) {
	w, ids, dy, err := embedInputs("embed gradient", vals[0], vals[1], vals[2], false)
	if err != nil {
		return nil, err
	}
	dw := op.newOut(w.Dtype(), w.Shape(), true) // rows no id names stay zero
	switch dw.Dtype() {
	case tensor.Float32:
		scatterRows(dw.Float32s(), dy.Float32s(), ids, float32(op.scale))
	case tensor.Float64:
		scatterRows(dw.Float64s(), dy.Float64s(), ids, op.scale)
	default:
		return nil, fmt.Errorf("embed gradient: unsupported dtype %v", dw.Dtype())
	}
	return dw, nil
}

// scatterRows adds T(dy[i]·scale) into row ids[i] of dw, in order of i:
// the sums of the unfused graph (scale·dy, then ByIndices' scatter-add).
func scatterRows[T float](dw, dy []T, ids []int, scale T) {
	if len(ids) == 0 {
		return
	}
	d := len(dy) / len(ids)
	for i, id := range ids {
		o, g := dw[id*d:(id+1)*d], dy[i*d:(i+1)*d]
		g = g[:len(o)] // no bounds checks in the loop
		for k := range o {
			o[k] += T(g[k] * scale)
		}
	}
}
