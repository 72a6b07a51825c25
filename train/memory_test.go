package train

import (
	"io"
	"math"
	"testing"

	"github.com/seq2seq/transformer/data"
	"github.com/seq2seq/transformer/graph"
	"github.com/seq2seq/transformer/layers"
	"github.com/seq2seq/transformer/train/optim"
)

// microModel prepares the micro config's data and a fresh model in dir.
func microModel(t *testing.T, dir string) (*Config, *Corpus, *layers.Transformer, *graph.Params) {
	t.Helper()
	cfg := microConfig(t, dir)
	if err := EnsureData(cfg, io.Discard); err != nil {
		t.Fatal(err)
	}
	c, err := LoadCorpus(cfg, nil, nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	m, ps, err := BuildModel(cfg.ModelConfig(c.Src.Size(), c.Tgt.Size()), graph.NewRNG(cfg.Seed))
	if err != nil {
		t.Fatal(err)
	}
	return cfg, c, m, ps
}

// shapeBatches returns one batch of each of the first n distinct shapes of
// pairs, in batches of size.
func shapeBatches(t *testing.T, pairs []data.Encoded, size, bucket, n int) []data.Batch {
	t.Helper()
	seen := map[shapeKey]bool{}
	var out []data.Batch
	for _, b := range data.EvalBatches(pairs, size, bucket) {
		k := shapeKey{B: b.B, S: b.S, T: b.T}
		if !seen[k] && b.B == size {
			seen[k] = true
			out = append(out, b)
		}
	}
	if len(out) < n {
		t.Fatalf("the data gives %d batch shapes, want %d", len(out), n)
	}
	return out[:n]
}

// stepResult is a training graph's loss and gradients on one batch.
type stepResult struct {
	loss  float64
	grads [][]float32
}

// trainOn runs the cache's graph for b with dropout masks drawn from a
// generator seeded by seed, copies the loss and gradients, zeroes the
// gradients as the step does (graphCache.zeroGrads) and releases the graph.
func trainOn(t *testing.T, gs *graphCache, b data.Batch, seed uint64) stepResult {
	t.Helper()
	g, err := gs.get(shapeKey{B: b.B, S: b.S, T: b.T})
	if err != nil {
		t.Fatal(err)
	}
	if err := g.b.FillDropout(graph.NewRNG(seed)); err != nil {
		t.Fatal(err)
	}
	loss, err := g.execute(b.Src, b.TgtIn, b.TgtOut)
	if err != nil {
		t.Fatal(err)
	}
	ps, err := g.grads()
	if err != nil {
		t.Fatal(err)
	}
	res := stepResult{loss: loss}
	for _, p := range ps {
		res.grads = append(res.grads, append([]float32(nil), p.Grad...))
	}
	gs.zeroGrads()
	if err := g.release(); err != nil {
		t.Fatal(err)
	}
	return res
}

// sameStep reports whether two results are bitwise equal.
func sameStep(a, b stepResult) bool {
	if math.Float64bits(a.loss) != math.Float64bits(b.loss) || len(a.grads) != len(b.grads) {
		return false
	}
	for i := range a.grads {
		if len(a.grads[i]) != len(b.grads[i]) {
			return false
		}
		for j, x := range a.grads[i] {
			if math.Float32bits(x) != math.Float32bits(b.grads[i][j]) {
				return false
			}
		}
	}
	return true
}

// TestEvictedGraphsRebuildIdentically cycles four batch shapes through a
// training cache bounded to two graphs: the cache never holds more than
// two, graphs are evicted and rebuilt, and every visit of a shape gives
// bitwise the loss and gradients of an unbounded cache's graph.
func TestEvictedGraphsRebuildIdentically(t *testing.T) {
	cfg, c, m, ps := microModel(t, t.TempDir())
	batches := shapeBatches(t, c.Train, cfg.Train.BatchSize, cfg.Data.Bucket, 4)
	want := make([]stepResult, len(batches))
	ref := newGraphCache(m, ps, true, cfg.Train.LabelSmoothing)
	defer ref.close()
	for i, b := range batches {
		want[i] = trainOn(t, ref, b, uint64(i+1))
	}
	if ref.builds != len(batches) {
		t.Fatalf("the unbounded cache built %d graphs for %d shapes", ref.builds, len(batches))
	}
	gs := newGraphCache(m, ps, true, cfg.Train.LabelSmoothing)
	defer gs.close()
	gs.limit = 2
	for round := 0; round < 3; round++ {
		for i, b := range batches {
			got := trainOn(t, gs, b, uint64(i+1))
			if len(gs.cache) > gs.limit {
				t.Fatalf("round %d, shape %d: %d graphs cached, limit %d", round, i, len(gs.cache), gs.limit)
			}
			if !sameStep(got, want[i]) {
				t.Errorf("round %d, shape %dx%d→%d: loss %v differs from the unbounded cache's %v, or a gradient does",
					round, b.B, b.S, b.T, got.loss, want[i].loss)
			}
		}
	}
	if gs.builds != 3*len(batches) {
		t.Errorf("the bounded cache built %d graphs in 3 rounds of %d shapes, want %d (each visit a rebuild)", gs.builds, len(batches), 3*len(batches))
	}
}

// TestCachedGraphsHoldNoRunValues checks what a training cache's graphs
// keep between steps: no run's values (released), one set of gradient
// buffers for all of them, op outputs from the cache's pool, whose slab is
// the largest run's outputs, and dropout masks from its mask pool, whose
// slab is about the largest graph's masks.
func TestCachedGraphsHoldNoRunValues(t *testing.T) {
	cfg, c, m, ps := microModel(t, t.TempDir())
	batches := shapeBatches(t, c.Train, cfg.Train.BatchSize, cfg.Data.Bucket, 3)
	gs := newGraphCache(m, ps, true, cfg.Train.LabelSmoothing)
	defer gs.close()
	var maskBytes, runBytes int
	for round := 0; round < 2; round++ {
		for i, b := range batches {
			trainOn(t, gs, b, uint64(i+1))
			g := gs.cache[shapeKey{B: b.B, S: b.S, T: b.T}]
			n := 0
			for _, d := range g.b.Dropouts() {
				n += 4 * d.Node.Shape().TotalSize()
			}
			maskBytes = max(maskBytes, n)
			runBytes = max(runBytes, 4*g.need.F32)
		}
	}
	if len(gs.cache) != len(batches) {
		t.Fatalf("%d graphs cached for %d shapes", len(gs.cache), len(batches))
	}
	if got := gs.pool.Bytes(); runBytes == 0 || got != runBytes {
		t.Errorf("op output pool of %d bytes, want the largest run's %d", got, runBytes)
	}
	// The mask pool is one slab of the largest graph's masks, each padded
	// to a cache line (the graphs' own masks would be about 2.5 times as
	// much).
	if got := gs.masks.Bytes(); got < maskBytes || got > maskBytes*11/10 {
		t.Errorf("mask pool of %d bytes, want about the largest graph's %d", got, maskBytes)
	}
	var first []optim.Param
	for k, g := range gs.cache {
		if g.live {
			t.Errorf("graph %v: values of its run still bound after release", k)
		}
		gps, err := g.grads()
		if err != nil {
			t.Fatal(err)
		}
		if first == nil {
			first = gps
			continue
		}
		for i, p := range gps {
			if &p.Grad[0] != &first[i].Grad[0] {
				t.Errorf("graph %v: gradient of %s has its own buffer, want the cache's shared one", k, p.Name)
			}
		}
	}
}

// TestValidLossReleasesGraphs checks that validation leaves its graphs
// released, drew their outputs from the cache's pool, and gives the loss of
// graphs without a pool.
func TestValidLossReleasesGraphs(t *testing.T) {
	cfg, c, m, ps := microModel(t, t.TempDir())
	gs := newGraphCache(m, ps, false, cfg.Train.LabelSmoothing)
	defer gs.close()
	got, err := validLoss(gs, c.Valid, cfg.Train.BatchSize, cfg.Data.Bucket)
	if err != nil {
		t.Fatal(err)
	}
	if len(gs.cache) < 2 {
		t.Fatalf("validation used %d batch shapes, want several", len(gs.cache))
	}
	for k, g := range gs.cache {
		if g.live {
			t.Errorf("graph %v: values still bound after validLoss", k)
		}
	}
	if gs.pool.Bytes() == 0 {
		t.Error("validation graphs did not draw from the cache's pool")
	}
	plain := newGraphCache(m, ps, false, cfg.Train.LabelSmoothing)
	var total float64
	var tokens int
	for _, b := range data.EvalBatches(c.Valid, cfg.Train.BatchSize, cfg.Data.Bucket) {
		g, err := plain.build(shapeKey{B: b.B, S: b.S, T: b.T})
		if err != nil {
			t.Fatal(err)
		}
		g.b.UsePool(nil)
		g.pool = graph.NewPool() // run recycles it; the ops allocate their own outputs
		loss, err := g.execute(b.Src, b.TgtIn, b.TgtOut)
		if err != nil {
			t.Fatal(err)
		}
		g.drop()
		total += loss * float64(b.TgtTokens)
		tokens += b.TgtTokens
	}
	if want := total / float64(tokens); got != want {
		t.Errorf("validLoss %v with pooled, released graphs, %v with fresh outputs", got, want)
	}
}

// twoWorkerSession opens a dry-run session of the micro config with two
// workers; the caller closes it.
func twoWorkerSession(t *testing.T) (*Config, *Session) {
	t.Helper()
	cfg := microConfig(t, t.TempDir())
	cfg.Train.Workers = 2
	s, err := NewSession(cfg, Options{DryRun: true, Log: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	return cfg, s
}

// TestValidationSharesTrainingPool checks that validation draws from the
// first training worker's pool, left full of a training step's values, and
// gives the loss of a cache with a pool of its own; and that training goes
// on with the losses of a run that never validated.
func TestValidationSharesTrainingPool(t *testing.T) {
	if testing.Short() {
		t.Skip("training runs skipped in -short mode")
	}
	losses := func(validate bool) (vl float64, trained []float64) {
		cfg, s := twoWorkerSession(t)
		defer s.Close()
		r := s.r
		if r.eval.pool != r.train.pool {
			t.Fatal("the validation cache has a pool of its own, want the first worker's")
		}
		for i := 0; i < 6; i++ {
			if i == 3 && validate {
				before := r.train.pool.Bytes()
				var err error
				if vl, err = validLoss(r.eval, r.corpus.Valid, cfg.Train.BatchSize, cfg.Data.Bucket); err != nil {
					t.Fatal(err)
				}
				r.eval.close()
				if before == 0 {
					t.Fatal("the training pool was empty before validation")
				}
				own := newGraphCache(r.model, r.params, false, cfg.Train.LabelSmoothing)
				want, err := validLoss(own, r.corpus.Valid, cfg.Train.BatchSize, cfg.Data.Bucket)
				own.close()
				if err != nil {
					t.Fatal(err)
				}
				if vl != want {
					t.Errorf("validation loss %v on the training pool, %v on its own", vl, want)
				}
			}
			st, err := s.Step()
			if err != nil {
				t.Fatal(err)
			}
			trained = append(trained, st.Record.Loss)
		}
		return vl, trained
	}
	_, plain := losses(false)
	_, validated := losses(true)
	for i := range plain {
		if plain[i] != validated[i] {
			t.Errorf("step %d: loss %v after a validation, %v without", i+1, validated[i], plain[i])
		}
	}
}

// TestDropGraphsEmptiesPools checks that dropping the graphs before the
// final decoding leaves no graph and no pooled buffer in any cache, and
// that the caches still train afterwards.
func TestDropGraphsEmptiesPools(t *testing.T) {
	if testing.Short() {
		t.Skip("training runs skipped in -short mode")
	}
	cfg, s := twoWorkerSession(t)
	defer s.Close()
	for i := 0; i < 2; i++ {
		if _, err := s.Step(); err != nil {
			t.Fatal(err)
		}
	}
	r := s.r
	if _, err := validLoss(r.eval, r.corpus.Valid, cfg.Train.BatchSize, cfg.Data.Bucket); err != nil {
		t.Fatal(err)
	}
	caches := append([]*graphCache{r.train, r.eval}, r.workers[:]...)
	held := 0
	for _, gs := range caches {
		held += gs.pool.Bytes() + gs.masks.Bytes()
	}
	if held == 0 {
		t.Fatal("the pools were empty before dropGraphs")
	}
	r.dropGraphs()
	for i, gs := range caches {
		if n := gs.pool.Bytes() + gs.masks.Bytes(); n != 0 || len(gs.cache) != 0 {
			t.Errorf("cache %d: %d graphs and %d pooled bytes after dropGraphs, want none", i, len(gs.cache), n)
		}
	}
	if _, err := s.Step(); err != nil {
		t.Errorf("a step after dropGraphs: %v", err)
	}
}
