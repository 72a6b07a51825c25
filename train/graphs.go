package train

import (
	"fmt"
	"time"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/seq2seq/transformer/graph"
	"github.com/seq2seq/transformer/layers"
	"github.com/seq2seq/transformer/train/optim"
)

// lossGraph is one compiled training or validation graph for a batch shape.
// Gorgonia fixes shapes when a graph is built, so the trainer keeps one per
// (B, S, T) bucket; all share the registry's weight tensors.
type lossGraph struct {
	b      *graph.Builder
	in     *layers.Inputs
	loss   *G.Node
	params []*graph.Param
	nodes  G.Nodes
	vm     G.VM
	pool   *graph.Pool          // the cache's pool: op outputs recycled from run to run
	need   graph.Need           // what a run draws from pool
	shared map[string][]float32 // the cache's gradient buffers, by parameter name
	joined bool                 // the parameters' gradients are in shared
	live   bool                 // a run's values are bound (run, not yet released)
	used   uint64               // the cache's clock when last fetched
}

type shapeKey struct{ B, S, T int }

// maxCachedGraphs bounds the graphs one lossGraphs keeps: past it, fetching
// a new shape drops the least recently used graph, to be rebuilt when its
// shape comes back (same numerics, see TestEvictedGraphsRebuildIdentically).
// For the tiny model a released graph holds about 1.2 MB (nodes, compiled
// program, constants) and takes about 15 ms to build; the tiny config's
// training batches come in 11 shapes per worker, its validation batches in
// 9.
const maxCachedGraphs = 24

// lossGraphs caches lossGraph by shape, at most limit of them. The op
// outputs of its graphs come from one pool, recycled before each run, and
// the dropout masks of its training graphs from another, recycled when a
// graph is fetched: between runs, a released graph holds neither. Its
// training graphs also share one set of gradient buffers, which a run adds
// into: zero them once read (the optimizer does), before the next run.
type lossGraphs struct {
	model     *layers.Transformer
	params    *graph.Params
	train     bool // with dropout and gradients
	smoothing float64
	cache     map[shapeKey]*lossGraph
	limit     int
	clock     uint64        // counts fetches, for least-recently-used eviction
	built     time.Duration // total time spent building graphs
	builds    int           // graphs built, evicted ones rebuilt included
	pool      *graph.Pool   // op outputs of this cache's graphs (one worker)
	masks     *graph.Pool   // dropout masks of this cache's training graphs
	grads     map[string][]float32
}

func newLossGraphs(m *layers.Transformer, ps *graph.Params, train bool, smoothing float64) *lossGraphs {
	return &lossGraphs{model: m, params: ps, train: train, smoothing: smoothing, cache: map[shapeKey]*lossGraph{},
		limit: maxCachedGraphs, pool: graph.NewPool(), masks: graph.NewPool(), grads: map[string][]float32{}}
}

// get returns the graph for shape k, building it on first use (dropping
// the least recently used graph first when the cache is full). A training
// graph gets fresh dropout mask buffers from the cache's mask pool, which
// the previous graph fetched from this cache gives up: fill the masks
// (FillDropout) and run before fetching the next graph.
func (gs *lossGraphs) get(k shapeKey) (*lossGraph, error) {
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
func (gs *lossGraphs) drawMasks(g *lossGraph) error {
	gs.masks.Recycle()
	return g.b.DrawMasks(gs.masks)
}

// build compiles the graph for shape k.
func (gs *lossGraphs) build(k shapeKey) (*lossGraph, error) {
	start := time.Now()
	defer func() { gs.built += time.Since(start) }()
	gs.builds++
	g := &lossGraph{b: graph.NewBuilder(gs.params, gs.train), pool: gs.pool, shared: gs.grads}
	if err := g.b.Build(func(b *graph.Builder) {
		g.in = layers.NewInputs(b, k.B, k.S, k.T)
		g.loss = gs.model.Loss(b, g.in, gs.smoothing)
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
func (gs *lossGraphs) evict() {
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

// run binds one batch, runs the graph and returns the loss. The values of
// the previous run of any graph of the same cache are recycled first, and
// the gradients, which all its graphs share, are added to: read a run's
// gradients and zero them before the next run.
func (g *lossGraph) run(src, tgtIn, tgtOut []int) (float64, error) {
	if err := g.in.BindSource(src); err != nil {
		return 0, err
	}
	if err := g.in.BindTarget(tgtIn, tgtOut); err != nil {
		return 0, err
	}
	g.vm.Reset()
	g.pool.Recycle()
	g.pool.Reserve(g.need)
	g.live = true
	if err := g.vm.RunAll(); err != nil {
		return 0, fmt.Errorf("run graph: %w", err)
	}
	if !g.joined && len(g.nodes) > 0 {
		if err := g.joinGrads(); err != nil {
			return 0, err
		}
	}
	return scalarValue(g.loss.Value())
}

// joinGrads moves the gradients of g's parameters into the cache's shared
// buffers after g's first run: Gorgonia gives each graph its own (about
// 1 MB for the tiny model) when the graph first runs, into which that run
// has added its gradient. It is added into the shared buffer (zero when the
// optimizer has consumed the last run's, so the sum is exact) and the
// graph's gradient tensor is pointed at the shared buffer, where later runs
// add theirs. The first graph's buffers become the shared ones.
func (g *lossGraph) joinGrads() error {
	for i, p := range g.params {
		gv, err := g.nodes[i].Grad()
		if err != nil {
			return fmt.Errorf("gradient of %s: %w", p.Name, err)
		}
		d, ok := gv.(*tensor.Dense)
		if !ok {
			return fmt.Errorf("gradient of %s: %T, want *tensor.Dense", p.Name, gv)
		}
		own, ok := d.Data().([]float32)
		if !ok {
			return fmt.Errorf("gradient of %s: %T, want []float32", p.Name, d.Data())
		}
		s, ok := g.shared[p.Name]
		if !ok {
			g.shared[p.Name] = own
			continue
		}
		if len(s) != len(own) {
			return fmt.Errorf("gradient of %s: %d elements, the shared buffer %d", p.Name, len(own), len(s))
		}
		for j, x := range own {
			s[j] += x
		}
		tensor.WithBacking(s)(d)
	}
	g.joined = true
	return nil
}

// grads returns the parameters with their gradient buffers, registry order.
func (g *lossGraph) grads() ([]optim.Param, error) {
	out := make([]optim.Param, len(g.params))
	for i, p := range g.params {
		gv, err := g.nodes[i].Grad()
		if err != nil {
			return nil, fmt.Errorf("gradient of %s: %w", p.Name, err)
		}
		gd, ok := gv.Data().([]float32)
		if !ok {
			return nil, fmt.Errorf("gradient of %s: %T, want []float32", p.Name, gv.Data())
		}
		out[i] = optim.Param{Name: p.Name, Value: p.Value.Float32s(), Grad: gd}
	}
	return out, nil
}

// release drops the intermediate values of the graph's last run (the
// machine's registers and the values bound to op nodes) so that cached
// graphs do not each hold a whole pass; gradients stay on the parameters.
func (g *lossGraph) release() error {
	g.vm.Reset()
	if err := g.b.Release(); err != nil {
		return fmt.Errorf("release graph values: %w", err)
	}
	g.live = false
	return nil
}

// drop releases the graph's values if a run left any and closes its
// machine. Gorgonia sets a finalizer on every tape machine, so a dropped
// machine and all it reaches (the graph, its nodes' values) survive one
// more collection: unreleased, the 9 validation graphs of the tiny config
// kept about 215 MB of activations live into the next cycle.
func (g *lossGraph) drop() {
	if g.live {
		// An error leaves values bound: they are freed a cycle later.
		_ = g.release()
	}
	g.vm.Close()
}

// close drops every graph. The cache stays usable and keeps its pools:
// validation closes its cache after each evaluation, and a pool regrown
// from empty each time would allocate its slab several times over.
func (gs *lossGraphs) close() {
	for _, g := range gs.cache {
		g.drop()
	}
	gs.cache = map[shapeKey]*lossGraph{}
	gs.grads = map[string][]float32{}
}

func scalarValue(v G.Value) (float64, error) {
	switch s := v.(type) {
	case *G.F32:
		return float64(*s), nil
	case *G.F64:
		return float64(*s), nil
	}
	return 0, fmt.Errorf("loss is %T, want a scalar", v)
}
