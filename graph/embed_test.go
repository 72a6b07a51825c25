package graph

import (
	"math"
	"strconv"
	"strings"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// embedFixture is a table of 7 rows of width 5, 6 ids (3 appears three
// times, 2, 4 and 5 never) and random positions.
var embedFixture = struct {
	vocab, dim int
	ids        []int
	scale      float64
}{7, 5, []int{3, 0, 6, 3, 3, 1}, math.Sqrt(5)}

// embedGraph builds fn over a registry of dtype dt holding the fixture's
// table "w" (N(0, 1) values rounded to float32) and binds the fixture's ids.
func embedGraph(t *testing.T, dt tensor.Dtype, ids []int, fn func(b *Builder, w, ids, pe *G.Node) *G.Node) (*Builder, *G.Node, *G.Node) {
	t.Helper()
	f := embedFixture
	ps := NewParams(dt)
	round := func(std float64) func(*RNG, []int) []float64 {
		return func(rng *RNG, shape []int) []float64 {
			v := NormalInit(std)(rng, shape)
			for i := range v {
				v[i] = float64(float32(v[i]))
			}
			return v
		}
	}
	if _, err := ps.Add("w", []int{f.vocab, f.dim}, round(1), NewRNG(3)); err != nil {
		t.Fatal(err)
	}
	pe := round(1)(NewRNG(4), []int{len(ids), f.dim})
	b := NewBuilder(ps, false)
	var out, idn *G.Node
	if err := b.Build(func(b *Builder) {
		idn = b.Input("ids", tensor.Int, len(ids))
		out = fn(b, b.Param("w"), idn, b.Constant("pe", pe, len(ids), f.dim))
	}); err != nil {
		t.Fatal(err)
	}
	if err := G.Let(idn, tensor.New(tensor.WithShape(len(ids)), tensor.WithBacking(append([]int(nil), ids...)))); err != nil {
		t.Fatal(err)
	}
	return b, out, idn
}

// runEmbed runs fn's graph forward and, through the probe sum(out ⊙ r) for
// a fixed random r, backward, and returns out and the table's gradient.
func runEmbed(t *testing.T, dt tensor.Dtype, fn func(b *Builder, w, ids, pe *G.Node) *G.Node) (out, grad []float64) {
	t.Helper()
	var y *G.Node
	b, cost, _ := embedGraph(t, dt, embedFixture.ids, func(b *Builder, w, ids, pe *G.Node) *G.Node {
		y = fn(b, w, ids, pe)
		return weightedSum(b, y, 8)
	})
	grad = tableGrad(t, b, cost)
	return Float64s(y.Value().(tensor.Tensor)), grad
}

// tableGrad differentiates cost with respect to the registry's parameters,
// runs b's graph once and returns the first parameter's (the table's)
// gradient.
func tableGrad(t *testing.T, b *Builder, cost *G.Node) []float64 {
	t.Helper()
	_, nodes := b.ParamNodes()
	if _, err := G.Grad(cost, nodes...); err != nil {
		t.Fatal(err)
	}
	m := G.NewTapeMachine(b.G, G.BindDualValues(nodes...))
	defer m.Close()
	if err := m.RunAll(); err != nil {
		t.Fatal(err)
	}
	g, err := nodes[0].Grad()
	if err != nil {
		t.Fatal(err)
	}
	return Float64s(g.(tensor.Tensor))
}

func fusedEmbed(b *Builder, w, ids, pe *G.Node) *G.Node {
	return b.Embed(w, ids, pe, embedFixture.scale)
}

func unfusedEmbed(b *Builder, w, ids, pe *G.Node) *G.Node {
	return b.Add(b.scale(b.lookup(w, ids), embedFixture.scale), pe)
}

// TestEmbedMatchesUnfused checks Embed's values and table gradient against
// Lookup, Scale and Add: bitwise, in float32 (what train/infer mirrors) and
// float64.
func TestEmbedMatchesUnfused(t *testing.T) {
	for _, dt := range []tensor.Dtype{tensor.Float32, tensor.Float64} {
		out, grad := runEmbed(t, dt, fusedEmbed)
		wantOut, wantGrad := runEmbed(t, dt, unfusedEmbed)
		for i := range wantOut {
			if out[i] != wantOut[i] {
				t.Fatalf("%v: Embed element %d = %v, want %v (Lookup·scale + pe)", dt, i, out[i], wantOut[i])
			}
		}
		for i := range wantGrad {
			if grad[i] != wantGrad[i] {
				t.Fatalf("%v: table gradient element %d = %v, want %v", dt, i, grad[i], wantGrad[i])
			}
		}
	}
}

// TestEmbedValues checks Embed against its definition, element by element
// in float32: T(w[id]·T(scale)) + pe.
func TestEmbedValues(t *testing.T) {
	f := embedFixture
	var w, pe *G.Node
	b, out, _ := embedGraph(t, tensor.Float32, f.ids, func(b *Builder, wn, ids, pen *G.Node) *G.Node {
		w, pe = wn, pen
		return fusedEmbed(b, wn, ids, pen)
	})
	m := G.NewTapeMachine(b.G)
	defer m.Close()
	if err := m.RunAll(); err != nil {
		t.Fatal(err)
	}
	got := out.Value().(*tensor.Dense).Float32s()
	table, pos := w.Value().(*tensor.Dense).Float32s(), pe.Value().(*tensor.Dense).Float32s()
	if s := out.Shape(); !s.Eq(tensor.Shape{len(f.ids), f.dim}) {
		t.Fatalf("Embed shape %v, want (%d, %d)", s, len(f.ids), f.dim)
	}
	scale := float32(f.scale)
	for i, id := range f.ids {
		for k := 0; k < f.dim; k++ {
			want := float32(table[id*f.dim+k]*scale) + pos[i*f.dim+k]
			if g := got[i*f.dim+k]; g != want {
				t.Fatalf("Embed[%d][%d] = %v, want %v", i, k, g, want)
			}
		}
	}
}

// TestEmbedGradient checks the table gradient by finite differences, with
// the table also used as a tied output projection so that Gorgonia adds
// the scatter-add to another gradient path.
func TestEmbedGradient(t *testing.T) {
	f := embedFixture
	ps := randomParams(t, 9, 1, map[string][]int{"w": {f.vocab, f.dim}}, "w")
	pe := make([]float64, len(f.ids)*f.dim)
	rng := NewRNG(10)
	for i := range pe {
		pe[i] = rng.Normal()
	}
	var ids *G.Node
	rep, err := CheckGradients(ps, func(b *Builder) *G.Node {
		w := b.Param("w")
		ids = b.Input("ids", tensor.Int, len(f.ids))
		x := b.Embed(w, ids, b.Constant("pe", pe, len(f.ids), f.dim), f.scale) // (N, D)
		return weightedSum(b, b.MatMulT(x, w, false, true), 11)                // (N, V)
	}, func(b *Builder) error {
		return G.Let(ids, tensor.New(tensor.WithShape(len(f.ids)), tensor.WithBacking(append([]int(nil), f.ids...))))
	}, CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Max() > 1e-6 {
		t.Errorf("embed gradient:\n%s", rep)
	}
}

// TestEmbedDuplicateIdsAccumulate checks the gradient of sum(Embed) by
// hand: row r of the table gets scale times the number of times r occurs.
func TestEmbedDuplicateIdsAccumulate(t *testing.T) {
	f := embedFixture
	ids := []int{2, 2, 6, 2, 0}
	b, y, _ := embedGraph(t, tensor.Float64, ids, fusedEmbed)
	cost, err := G.Sum(y)
	if err != nil {
		t.Fatal(err)
	}
	grad := tableGrad(t, b, cost)
	count := map[int]float64{2: 3, 6: 1, 0: 1}
	for r := 0; r < f.vocab; r++ {
		for k := 0; k < f.dim; k++ {
			if got, want := grad[r*f.dim+k], f.scale*count[r]; math.Abs(got-want) > 1e-15*want {
				t.Fatalf("gradient[%d][%d] = %v, want %v (row used %v times)", r, k, got, want, count[r])
			}
		}
	}
}

// TestEmbedRejectsOutOfRangeIds checks that an id outside the table fails
// the run with an error naming it (Gorgonia's ByIndices read past the table
// for id = V and crashed the process for negative ids), and that ill-fitting
// shapes fail the build.
func TestEmbedRejectsOutOfRangeIds(t *testing.T) {
	f := embedFixture
	for _, bad := range []int{f.vocab, f.vocab + 5, -1} {
		b, _, _ := embedGraph(t, tensor.Float32, []int{1, bad, 0}, fusedEmbed)
		m := G.NewTapeMachine(b.G)
		err := m.RunAll()
		m.Close()
		want := "is outside the table of 7 rows"
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "id "+strconv.Itoa(bad)+" at position 1") {
			t.Errorf("Embed with id %d: error %v, want one naming id %d at position 1 and containing %q", bad, err, bad, want)
		}
	}
	for name, fn := range map[string]func(b *Builder) *G.Node{
		"positions rows": func(b *Builder) *G.Node {
			return b.Embed(b.Constant("w", make([]float64, 12), 4, 3), b.Input("ids", tensor.Int, 2), b.Constant("pe", make([]float64, 9), 3, 3), 1)
		},
		"positions width": func(b *Builder) *G.Node {
			return b.Embed(b.Constant("w", make([]float64, 12), 4, 3), b.Input("ids", tensor.Int, 2), b.Constant("pe", make([]float64, 8), 2, 4), 1)
		},
		"float ids": func(b *Builder) *G.Node {
			return b.Embed(b.Constant("w", make([]float64, 12), 4, 3), b.Constant("ids", []float64{0, 1}, 2), b.Constant("pe", make([]float64, 6), 2, 3), 1)
		},
	} {
		b := NewBuilder(NewParams(tensor.Float64), false)
		if err := b.Build(func(b *Builder) { fn(b) }); err == nil || !strings.Contains(err.Error(), "embed") {
			t.Errorf("%s: build error %v, want an embed error", name, err)
		}
	}
}

// BenchmarkEmbed runs the embedding of a tiny-config batch (1024 ids of a
// 340-row table of width 64) forward and backward, fused and as Lookup,
// Scale and Add, in float32 with the ops' outputs pooled.
func BenchmarkEmbed(b *testing.B) {
	const n, vocab, dim = 1024, 340, 64
	for _, bc := range []struct {
		name string
		fn   func(b *Builder, w, ids, pe *G.Node) *G.Node
	}{{"fused", func(b *Builder, w, ids, pe *G.Node) *G.Node { return b.Embed(w, ids, pe, 8) }},
		{"unfused", func(b *Builder, w, ids, pe *G.Node) *G.Node { return b.Add(b.scale(b.lookup(w, ids), 8), pe) }},
	} {
		b.Run(bc.name, func(tb *testing.B) {
			ps := NewParams(tensor.Float32)
			if _, err := ps.Add("w", []int{vocab, dim}, NormalInit(1), NewRNG(1)); err != nil {
				tb.Fatal(err)
			}
			bd := NewBuilder(ps, false)
			var cost, ids *G.Node
			if err := bd.Build(func(bd *Builder) {
				ids = bd.Input("ids", tensor.Int, n)
				cost = weightedSum(bd, bc.fn(bd, bd.Param("w"), ids, bd.Constant("pe", make([]float64, n*dim), n, dim)), 2)
			}); err != nil {
				tb.Fatal(err)
			}
			_, nodes := bd.ParamNodes()
			if _, err := G.Grad(cost, nodes...); err != nil {
				tb.Fatal(err)
			}
			pool := NewPool()
			bd.UsePool(pool)
			rng := NewRNG(3)
			idv := make([]int, n)
			for i := range idv {
				idv[i] = int(rng.Uint64() % vocab)
			}
			if err := G.Let(ids, tensor.New(tensor.WithShape(n), tensor.WithBacking(idv))); err != nil {
				tb.Fatal(err)
			}
			m := G.NewTapeMachine(bd.G, G.BindDualValues(nodes...))
			defer m.Close()
			tb.ResetTimer()
			for i := 0; i < tb.N; i++ {
				m.Reset()
				pool.Recycle()
				if err := m.RunAll(); err != nil {
					tb.Fatal(err)
				}
			}
		})
	}
}

// TestEmbedRepeatsPositions: positions (T, D) for ids of B sentences of T
// tokens give what the positions tiled to (B*T, D) give.
func TestEmbedRepeatsPositions(t *testing.T) {
	const sentences = 3
	f := embedFixture
	pe := NormalInit(1)(NewRNG(5), []int{len(f.ids), f.dim}) // (T, D)
	tiled := make([]float64, 0, sentences*len(pe))
	for range sentences {
		tiled = append(tiled, pe...)
	}
	ids := make([]int, 0, sentences*len(f.ids))
	for s := range sentences {
		for _, id := range f.ids {
			ids = append(ids, (id+s)%f.vocab)
		}
	}
	embed := func(pe []float64, rows int) []float64 {
		ps := randomParams(t, 6, 1, map[string][]int{"w": {f.vocab, f.dim}}, "w")
		var idn *G.Node
		return run(t, ps, func(b *Builder) *G.Node {
			idn = b.Input("ids", tensor.Int, len(ids))
			return b.Embed(b.Param("w"), idn, b.Constant("pe", pe, rows, f.dim), f.scale)
		}, func(*Builder) error {
			return G.Let(idn, tensor.New(tensor.WithShape(len(ids)), tensor.WithBacking(append([]int(nil), ids...))))
		})
	}
	got, want := embed(pe, len(f.ids)), embed(tiled, len(ids))
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("element %d: %v with positions (T, D), %v with them tiled", i, got[i], want[i])
		}
	}
}
