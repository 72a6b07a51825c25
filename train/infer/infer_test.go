package infer

import (
	"fmt"
	"math"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/seq2seq/transformer/data"
	"github.com/seq2seq/transformer/graph"
	"github.com/seq2seq/transformer/layers"
)

// testConfig is a small model with several heads and layers, so that head
// slicing and layer stacking are exercised.
func testConfig(tied bool) layers.Config {
	return layers.Config{SrcVocab: 23, TgtVocab: 19, DModel: 16, Heads: 4, EncoderLayers: 2, DecoderLayers: 2,
		DFF: 24, Dropout: 0.1, TieEmbeddings: tied, MaxPositions: 20}
}

// randomModel registers an untrained model and then overwrites every
// parameter with N(0, 0.5²) noise, so biases and layer-norm gains are not
// their trivial initial values.
func randomModel(t *testing.T, cfg layers.Config, dt tensor.Dtype, seed uint64) (*layers.Transformer, *graph.Params) {
	t.Helper()
	ps := graph.NewParams(dt)
	rng := graph.NewRNG(seed)
	m, err := layers.New(cfg, ps, rng)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps.List() {
		switch d := p.Value.Data().(type) {
		case []float32:
			for i := range d {
				d[i] = float32(0.5 * rng.Normal())
			}
		case []float64:
			for i := range d {
				d[i] = 0.5 * rng.Normal()
			}
		}
	}
	return m, ps
}

// testBatch is a batch of sources of different lengths (so with padding in
// the graph), one with a PAD id inside and one empty, and target inputs
// of length tgtLen (BOS first) for each.
func testBatch(cfg layers.Config, tgtLen int, seed uint64) (srcs, tgts [][]int) {
	rng := graph.NewRNG(seed)
	token := func(v int) int { return 1 + int(rng.Uint64()%uint64(v-1)) }
	for _, n := range []int{5, 1, 8, 3, 0} {
		src := make([]int, n)
		for j := range src {
			src[j] = token(cfg.SrcVocab)
		}
		srcs = append(srcs, src)
	}
	srcs[2][4] = data.PadID
	for range srcs {
		tgt := []int{2}
		for len(tgt) < tgtLen {
			tgt = append(tgt, token(cfg.TgtVocab))
		}
		tgts = append(tgts, tgt)
	}
	return srcs, tgts
}

// graphLogits runs the teacher-forced Gorgonia model on the PAD-padded
// batch and returns its logits (B*T, V) as float64.
func graphLogits(t *testing.T, m *layers.Transformer, ps *graph.Params, srcs, tgts [][]int) []float64 {
	t.Helper()
	s := 0
	for _, src := range srcs {
		s = max(s, len(src))
	}
	bt := len(tgts[0])
	b := graph.NewBuilder(ps, false)
	var in *layers.Inputs
	var logits *G.Node
	if err := b.Build(func(b *graph.Builder) {
		in = layers.NewInputs(b, len(srcs), s, bt)
		logits = m.Forward(b, in)
	}); err != nil {
		t.Fatal(err)
	}
	if err := in.BindSource(pad(srcs, s)); err != nil {
		t.Fatal(err)
	}
	if err := in.BindTarget(pad(tgts, bt), nil); err != nil {
		t.Fatal(err)
	}
	vm := G.NewTapeMachine(b.G)
	defer vm.Close()
	if err := vm.RunAll(); err != nil {
		t.Fatal(err)
	}
	return graph.Float64s(logits.Value().(tensor.Tensor))
}

func pad(rows [][]int, width int) []int {
	out := make([]int, len(rows)*width)
	for i, r := range rows {
		copy(out[i*width:], r)
	}
	return out
}

func float64s[T Float](xs []T) []float64 { return convert[float64](xs) }

// stepAll feeds tgts position by position into a fresh state over srcs and
// returns the logits of every step as float64, [step](B, V).
func stepAll[T Float](t *testing.T, m *Model[T], srcs, tgts [][]int) [][]float64 {
	t.Helper()
	mem, err := m.Encode(srcs)
	if err != nil {
		t.Fatal(err)
	}
	st := mem.Start()
	var out [][]float64
	for pos := range tgts[0] {
		tokens := make([]int, len(tgts))
		for i := range tgts {
			tokens[i] = tgts[i][pos]
		}
		logits, err := st.Logits(tokens)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, float64s(logits))
	}
	return out
}

func engineSteps(t *testing.T, lm *layers.Transformer, ps *graph.Params, srcs, tgts [][]int) [][]float64 {
	t.Helper()
	if ps.Dtype == tensor.Float32 {
		m, err := New[float32](lm, ps)
		if err != nil {
			t.Fatal(err)
		}
		return stepAll(t, m, srcs, tgts)
	}
	m, err := New[float64](lm, ps)
	if err != nil {
		t.Fatal(err)
	}
	return stepAll(t, m, srcs, tgts)
}

// TestLogitsMatchGraph checks the incremental decoder's logits at every
// step against the Gorgonia graph run teacher-forced over the whole batch.
func TestLogitsMatchGraph(t *testing.T) {
	tests := []struct {
		dt   tensor.Dtype
		tied bool
		tol  float64
	}{
		{tensor.Float32, true, 1e-5},
		{tensor.Float32, false, 1e-5},
		{tensor.Float64, true, 1e-9},
		{tensor.Float64, false, 1e-9},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%v/tied=%v", tt.dt, tt.tied), func(t *testing.T) {
			cfg := testConfig(tt.tied)
			m, ps := randomModel(t, cfg, tt.dt, 7)
			srcs, tgts := testBatch(cfg, 7, 3)
			want := graphLogits(t, m, ps, srcs, tgts)
			got := engineSteps(t, m, ps, srcs, tgts)
			v, bt := cfg.TgtVocab, len(tgts[0])
			var worst float64
			for pos, step := range got {
				for i := range srcs {
					for j := 0; j < v; j++ {
						g, w := step[i*v+j], want[(i*bt+pos)*v+j]
						diff := math.Abs(g-w) / max(1, math.Abs(w))
						worst = max(worst, diff)
						if !(diff <= tt.tol) {
							t.Fatalf("step %d, sentence %d, token %d: logit %v, want the graph's %v", pos, i, j, g, w)
						}
					}
				}
			}
			t.Logf("largest relative difference %.3g", worst)
		})
	}
}

// TestReorderMatchesRecompute gathers rows by random parents (repeated and
// dropped) at every step and checks each row's logits against decoding its
// whole prefix from scratch in a state of its own.
func TestReorderMatchesRecompute(t *testing.T) {
	cfg := testConfig(true)
	lm, ps := randomModel(t, cfg, tensor.Float32, 11)
	m, err := New[float32](lm, ps)
	if err != nil {
		t.Fatal(err)
	}
	srcs, _ := testBatch(cfg, 1, 5)
	mem, err := m.Encode(srcs)
	if err != nil {
		t.Fatal(err)
	}
	rng := graph.NewRNG(13)
	st := mem.Start()
	prefixes := make([][]int, st.Rows()) // each row's inputs so far
	for i := range prefixes {
		prefixes[i] = []int{2}
	}
	v := cfg.TgtVocab
	for step := 0; step < 8; step++ {
		tokens := make([]int, len(prefixes))
		for i, p := range prefixes {
			tokens[i] = p[len(p)-1]
		}
		logits, err := st.Logits(tokens)
		if err != nil {
			t.Fatal(err)
		}
		for i, p := range prefixes {
			want := recompute(t, mem, st.Sentence(i), p)
			for j, w := range want {
				if g := logits[i*v+j]; g != w {
					t.Fatalf("step %d, row %d (sentence %d, prefix %v), token %d: logit %v, want %v from scratch", step, i, st.Sentence(i), p, j, g, w)
				}
			}
		}
		// Up to 3 children per row, some rows with none; 1 to 12 rows.
		var parents []int
		for i := range prefixes {
			for range rng.Uint64() % 4 {
				parents = append(parents, i)
			}
		}
		parents = parents[:min(len(parents), 12)]
		if len(parents) == 0 {
			parents = []int{len(prefixes) - 1}
		}
		next := make([][]int, len(parents))
		for i, p := range parents {
			next[i] = append(append([]int(nil), prefixes[p]...), 1+int(rng.Uint64()%uint64(v-1)))
		}
		st.Reorder(parents)
		prefixes = next
	}
}

// recompute returns the logits after prefix for sentence sent, decoded
// alone from the start.
func recompute(t *testing.T, mem *Memory[float32], sent int, prefix []int) []float32 {
	t.Helper()
	st := mem.Start()
	st.Reorder([]int{sent})
	var logits []float32
	for _, tok := range prefix {
		var err error
		if logits, err = st.Logits([]int{tok}); err != nil {
			t.Fatal(err)
		}
	}
	return append([]float32(nil), logits...)
}

// TestBatchIndependence checks that each sentence's logits do not depend on
// the other sentences of the batch or their order.
func TestBatchIndependence(t *testing.T) {
	cfg := testConfig(false)
	lm, ps := randomModel(t, cfg, tensor.Float32, 17)
	srcs, tgts := testBatch(cfg, 5, 19)
	batch := engineSteps(t, lm, ps, srcs, tgts)
	n, v := len(srcs), cfg.TgtVocab
	var rsrcs, rtgts [][]int
	for i := n - 1; i >= 0; i-- {
		rsrcs, rtgts = append(rsrcs, srcs[i]), append(rtgts, tgts[i])
	}
	reversed := engineSteps(t, lm, ps, rsrcs, rtgts)
	for i := range srcs {
		alone := engineSteps(t, lm, ps, srcs[i:i+1], tgts[i:i+1])
		for pos := range alone {
			for j := 0; j < v; j++ {
				b, r, a := batch[pos][i*v+j], reversed[pos][(n-1-i)*v+j], alone[pos][j]
				if b != a || r != a {
					t.Fatalf("sentence %d, step %d, token %d: logit %v in the batch, %v reversed, want %v alone", i, pos, j, b, r, a)
				}
			}
		}
	}
}

func TestErrors(t *testing.T) {
	cfg := testConfig(true)
	lm, ps := randomModel(t, cfg, tensor.Float32, 1)
	m, err := New[float32](lm, ps)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Encode([][]int{{1, cfg.SrcVocab}}); err == nil {
		t.Error("Encode with a token outside the vocabulary: no error")
	}
	mem, err := m.Encode([][]int{{1, 2}})
	if err != nil {
		t.Fatal(err)
	}
	st := mem.Start()
	if _, err := st.Logits([]int{1, 2}); err == nil {
		t.Error("Logits with 2 tokens for 1 row: no error")
	}
	if _, err := st.Logits([]int{-1}); err == nil {
		t.Error("Logits with token -1: no error")
	}
	for i := 0; i < cfg.MaxPositions; i++ {
		if _, err := st.Logits([]int{2}); err != nil {
			t.Fatalf("step %d of %d: %v", i+1, cfg.MaxPositions, err)
		}
	}
	if _, err := st.Logits([]int{2}); err == nil {
		t.Errorf("step %d beyond max_positions %d: no error", cfg.MaxPositions+1, cfg.MaxPositions)
	}
	bad := *lm // untied: wants generator.weight, which ps lacks
	bad.Cfg.TieEmbeddings, bad.Generator = false, "generator.weight"
	if _, err := New[float32](&bad, ps); err == nil {
		t.Error("New without generator.weight: no error")
	}
	if _, err := Start(&bad, ps, nil); err == nil {
		t.Error("Start without generator.weight: no error")
	}
}
