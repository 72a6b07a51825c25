package train

import (
	"fmt"
	"time"

	G "gorgonia.org/gorgonia"

	"github.com/seq2seq/transformer/graph"
	"github.com/seq2seq/transformer/layers"
)

type shapeKey struct{ B, S, T int }

// maxCachedGraphs bounds the graphs one graphCache keeps: past it, fetching
// a new shape drops the least recently used graph, to be rebuilt when its
// shape comes back (same numerics, see TestEvictedGraphsRebuildIdentically).
// It is above the number of batch shapes of the shipped configs, so that
// eviction only bounds memory for unusual length distributions.
const maxCachedGraphs = 24

// graphCache caches lossGraph by shape, at most limit of them (least
// recently used evicted). The op outputs of its graphs come from one pool,
// recycled before each run, and the dropout masks of its training graphs
// from another, recycled when a graph is fetched: between runs, a released
// graph holds neither. Its training graphs also share one set of gradient
// buffers, which it owns: a run adds into them, and zeroGrads, called once
// the step has used them, zeroes them before the next run.
type graphCache struct {
	model     *layers.Transformer
	params    *graph.Params
	train     bool // with dropout and gradients
	smoothing float64
	cache     map[shapeKey]*lossGraph
	limit     int
	clock     uint64               // counts fetches, for least-recently-used eviction
	built     time.Duration        // total time spent building graphs
	builds    int                  // graphs built, evicted ones rebuilt included
	pool      *graph.Pool          // op outputs of this cache's graphs (one worker)
	masks     *graph.Pool          // dropout masks of this cache's training graphs
	grads     map[string][]float32 // gradient buffers shared by its training graphs, by parameter name
	guide     *guide               // guided alignment of its training graphs (guided.go), nil = off
}

func newGraphCache(m *layers.Transformer, ps *graph.Params, train bool, smoothing float64) *graphCache {
	return &graphCache{model: m, params: ps, train: train, smoothing: smoothing, cache: map[shapeKey]*lossGraph{},
		limit: maxCachedGraphs, pool: graph.NewPool(), masks: graph.NewPool(), grads: map[string][]float32{}}
}

// get returns the graph for shape k, building it on first use (dropping
// the least recently used graph first when the cache is full). A training
// graph gets fresh dropout mask buffers from the cache's mask pool, which
// the previous graph fetched from this cache gives up: fill the masks
// (FillDropout) and run before fetching the next graph.
func (gs *graphCache) get(k shapeKey) (*lossGraph, error) {
	gs.clock++
	g, ok := gs.cache[k]
	if !ok {
		if len(gs.cache) >= gs.limit {
			gs.evict()
		}
		var err error
		if g, err = gs.build(k); err != nil {
			return nil, err
		}
		gs.cache[k] = g
	}
	g.used = gs.clock
	if gs.train {
		if err := gs.drawMasks(g); err != nil {
			return nil, err
		}
	}
	return g, nil
}

// drawMasks recycles the cache's mask pool and gives g's dropout masks
// buffers from it.
func (gs *graphCache) drawMasks(g *lossGraph) error {
	gs.masks.Recycle()
	return g.b.DrawMasks(gs.masks)
}

// build compiles the graph for shape k.
func (gs *graphCache) build(k shapeKey) (*lossGraph, error) {
	start := time.Now()
	defer func() { gs.built += time.Since(start) }()
	gs.builds++
	g := &lossGraph{b: graph.NewBuilder(gs.params, gs.train), pool: gs.pool, shared: gs.grads}
	if err := g.b.Build(func(b *graph.Builder) {
		g.in = layers.NewInputs(b, k.B, k.S, k.T)
		g.loss = gs.model.Loss(b, g.in, gs.smoothing)
		if gs.guide != nil {
			g.addGuide(b, gs.guide)
		}
	}); err != nil {
		return nil, fmt.Errorf("build graph for batch %dx%d→%d: %w", k.B, k.S, k.T, err)
	}
	var opts []G.VMOpt
	if gs.train {
		g.params, g.nodes = g.b.ParamNodes()
		if _, err := G.Grad(g.loss, g.nodes...); err != nil {
			return nil, fmt.Errorf("differentiate graph for batch %dx%d→%d: %w", k.B, k.S, k.T, err)
		}
		opts = append(opts, G.BindDualValues(g.nodes...))
	}
	g.b.UsePool(gs.pool) // after Grad: the gradient ops draw from it too
	g.vm = G.NewTapeMachine(g.b.G, opts...)
	g.need = g.b.PoolNeed()
	return g, nil
}

// evict drops the least recently fetched graph.
func (gs *graphCache) evict() {
	var oldest shapeKey
	var og *lossGraph
	for k, g := range gs.cache {
		if og == nil || g.used < og.used {
			oldest, og = k, g
		}
	}
	if og == nil {
		return
	}
	og.drop()
	delete(gs.cache, oldest)
}

// close drops every graph. The cache stays usable and keeps its pools:
// validation closes its cache after each evaluation, and a pool regrown
// from empty each time would allocate its slab several times over.
func (gs *graphCache) close() {
	for _, g := range gs.cache {
		g.drop()
	}
	gs.cache = map[shapeKey]*lossGraph{}
	gs.grads = map[string][]float32{}
}

// zeroGrads zeroes the gradient buffers the cache's training graphs share.
// The step calls it once it has used (or dropped) a run's gradients, so the
// next run adds into zeros.
func (gs *graphCache) zeroGrads() {
	for _, g := range gs.grads {
		clear(g)
	}
}
