package train

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/seq2seq/transformer/data"
	"github.com/seq2seq/transformer/graph"
	"github.com/seq2seq/transformer/layers"
	"github.com/seq2seq/transformer/train/optim"
)

// lossGraph is one compiled training or validation graph for a batch shape.
// Gorgonia fixes shapes when a graph is built, so a graphCache keeps one per
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
	// Guided alignment (guided.go), nil without: the guide, the gold
	// input (B, T, S), the guided term of loss and its last value.
	guide        *guide
	gold, guided *G.Node
	lastGuided   float64
}

// execute binds one batch, runs the graph and returns the loss. The values
// of the previous run of any graph of the same cache are recycled first,
// and the gradients, which all its graphs share, are added to: read a run's
// gradients and zero them (graphCache.zeroGrads) before the next run.
func (g *lossGraph) execute(src, tgtIn, tgtOut []int) (float64, error) {
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
	if err := g.readGuided(); err != nil {
		return 0, err
	}
	return lossScalar(g.loss.Value())
}

// runOn is one training run of the graph, whatever the number of workers:
// it draws the dropout masks from rng, runs the graph on b, and returns the
// loss and the gradients (in the cache's shared buffers, to be zeroed by
// the cache once used), with the run's intermediate values released.
func (g *lossGraph) runOn(b data.Batch, rng *graph.RNG) (float64, []optim.Param, error) {
	if err := g.b.FillDropout(rng); err != nil {
		return 0, nil, err
	}
	if err := g.bindGold(b); err != nil {
		return 0, nil, err
	}
	loss, err := g.execute(b.Src, b.TgtIn, b.TgtOut)
	if err != nil {
		return 0, nil, err
	}
	ps, err := g.grads()
	if err != nil {
		return 0, nil, err
	}
	return loss, ps, g.release()
}

// joinGrads moves the gradients of g's parameters into the cache's shared
// buffers after g's first run: Gorgonia gives each graph its own when the
// graph first runs, into which that run has added its gradient. It is
// added into the shared buffer (zero since the last step's zeroGrads, so
// the sum is exact) and the
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
// more collection: unreleased, validation graphs would keep their
// activations live into the next cycle.
func (g *lossGraph) drop() {
	if g.live {
		// An error leaves values bound: they are freed a cycle later.
		_ = g.release()
	}
	g.vm.Close()
}

// lossScalar reads the loss node's value, a float32 or float64 scalar.
func lossScalar(v G.Value) (float64, error) {
	switch s := v.(type) {
	case *G.F32:
		return float64(*s), nil
	case *G.F64:
		return float64(*s), nil
	}
	return 0, fmt.Errorf("loss is %T, want a scalar", v)
}
