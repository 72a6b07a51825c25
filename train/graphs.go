package train

import (
	"fmt"
	"time"

	G "gorgonia.org/gorgonia"

	"github.com/seq2seq/transformer/graph"
	"github.com/seq2seq/transformer/layers"
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
	pool   *graph.Pool // training graphs: op outputs recycled from run to run
}

type shapeKey struct{ B, S, T int }

// lossGraphs caches lossGraph by shape.
type lossGraphs struct {
	model     *layers.Transformer
	params    *graph.Params
	train     bool // with dropout and gradients
	smoothing float64
	cache     map[shapeKey]*lossGraph
	built     time.Duration // total time spent building graphs
	pool      *graph.Pool   // shared by the training graphs of this cache (one worker)
}

func newLossGraphs(m *layers.Transformer, ps *graph.Params, train bool, smoothing float64) *lossGraphs {
	gs := &lossGraphs{model: m, params: ps, train: train, smoothing: smoothing, cache: map[shapeKey]*lossGraph{}}
	if train {
		gs.pool = graph.NewPool()
	}
	return gs
}

// get returns the graph for shape k, building it on first use.
func (gs *lossGraphs) get(k shapeKey) (*lossGraph, error) {
	if g, ok := gs.cache[k]; ok {
		return g, nil
	}
	start := time.Now()
	defer func() { gs.built += time.Since(start) }()
	g := &lossGraph{b: graph.NewBuilder(gs.params, gs.train)}
	if err := g.b.Build(func(b *graph.Builder) {
		g.in = layers.NewInputs(b, k.B, k.S, k.T)
		g.loss = gs.model.Loss(b, g.in, gs.smoothing)
	}); err != nil {
		return nil, fmt.Errorf("build graph for batch %dx%d→%d: %w", k.B, k.S, k.T, err)
	}
	if gs.train {
		g.params, g.nodes = g.b.ParamNodes()
		if _, err := G.Grad(g.loss, g.nodes...); err != nil {
			return nil, fmt.Errorf("differentiate graph for batch %dx%d→%d: %w", k.B, k.S, k.T, err)
		}
		g.b.UsePool(gs.pool)
		g.pool = gs.pool
		g.vm = G.NewTapeMachine(g.b.G, G.BindDualValues(g.nodes...))
	} else {
		g.vm = G.NewTapeMachine(g.b.G)
	}
	gs.cache[k] = g
	return g, nil
}

// run binds one batch, runs the graph and returns the loss. The values of
// the previous run of any graph of the same cache are recycled first: read
// a run's gradients before the next run.
func (g *lossGraph) run(src, tgtIn, tgtOut []int) (float64, error) {
	if err := g.in.BindSource(src); err != nil {
		return 0, err
	}
	if err := g.in.BindTarget(tgtIn, tgtOut); err != nil {
		return 0, err
	}
	g.vm.Reset()
	if g.pool != nil {
		g.pool.Recycle()
	}
	if err := g.vm.RunAll(); err != nil {
		return 0, fmt.Errorf("run graph: %w", err)
	}
	return scalarValue(g.loss.Value())
}

// grads returns the parameters with their gradient buffers, registry order.
func (g *lossGraph) grads() ([]Param, error) {
	out := make([]Param, len(g.params))
	for i, p := range g.params {
		gv, err := g.nodes[i].Grad()
		if err != nil {
			return nil, fmt.Errorf("gradient of %s: %w", p.Name, err)
		}
		gd, ok := gv.Data().([]float32)
		if !ok {
			return nil, fmt.Errorf("gradient of %s: %T, want []float32", p.Name, gv.Data())
		}
		out[i] = Param{Name: p.Name, Value: p.Value.Float32s(), Grad: gd}
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
	return nil
}

func (gs *lossGraphs) close() {
	for _, g := range gs.cache {
		g.vm.Close()
	}
	gs.cache = map[shapeKey]*lossGraph{}
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
