package layers

import (
	"math"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/seq2seq/transformer/graph"
)

// miniAdam is the smallest Adam that can prove the model learns; the
// training product has its own, checkpointable one.
type miniAdam struct {
	m, v [][]float32
	step int
}

func (a *miniAdam) update(ps []*graph.Param, nodes G.Nodes, lr float64) error {
	if a.m == nil {
		for _, p := range ps {
			a.m = append(a.m, make([]float32, p.Size()))
			a.v = append(a.v, make([]float32, p.Size()))
		}
	}
	a.step++
	c1 := 1 - math.Pow(0.9, float64(a.step))
	c2 := 1 - math.Pow(0.98, float64(a.step))
	for i, p := range ps {
		gv, err := nodes[i].Grad()
		if err != nil {
			return err
		}
		g := gv.Data().([]float32)
		w := p.Value.Float32s()
		for j := range w {
			a.m[i][j] = 0.9*a.m[i][j] + 0.1*g[j]
			a.v[i][j] = 0.98*a.v[i][j] + 0.02*g[j]*g[j]
			w[j] -= float32(lr * float64(a.m[i][j]) / c1 / (math.Sqrt(float64(a.v[i][j])/c2) + 1e-9))
			g[j] = 0
		}
	}
	return nil
}

// reversalBatch draws B source sequences of length 3..S-1 over tokens
// 4..V-1 and targets that reverse them, padded to S and T = S+1.
func reversalBatch(rng *graph.RNG, batch, s, vocab int) (src, tgtIn, tgtOut []int) {
	t := s + 1
	src, tgtIn, tgtOut = make([]int, batch*s), make([]int, batch*t), make([]int, batch*t)
	for b := 0; b < batch; b++ {
		n := 3 + int(rng.Uint64()%uint64(s-3))
		seq := make([]int, n)
		for i := range seq {
			seq[i] = 4 + int(rng.Uint64()%uint64(vocab-4))
			src[b*s+i] = seq[i]
		}
		tgtIn[b*t] = 2 // BOS
		for i := 0; i < n; i++ {
			tgtOut[b*t+i] = seq[n-1-i]
			tgtIn[b*t+i+1] = seq[n-1-i]
		}
		tgtOut[b*t+n] = 3 // EOS
	}
	return src, tgtIn, tgtOut
}

// smoothingFloor is the entropy of the label-smoothed target distribution:
// the lowest loss a perfect model can reach.
func smoothingFloor(eps float64, v int) float64 {
	hi := 1 - eps + eps/float64(v)
	lo := eps / float64(v)
	return -hi*math.Log(hi) - float64(v-1)*lo*math.Log(lo)
}

func TestTransformerLearnsReversal(t *testing.T) {
	if testing.Short() {
		t.Skip("training run skipped in -short mode")
	}
	const batch, srcLen, vocab, eps = 32, 7, 12, 0.1
	cfg := Config{SrcVocab: vocab, TgtVocab: vocab, DModel: 32, Heads: 4, EncoderLayers: 1, DecoderLayers: 1,
		DFF: 64, Dropout: 0, TieEmbeddings: true, MaxPositions: 32}
	ps := graph.NewParams(tensor.Float32)
	m, err := New(cfg, ps, graph.NewRNG(1))
	if err != nil {
		t.Fatal(err)
	}
	b := graph.NewBuilder(ps, true)
	var in *Inputs
	var loss *G.Node
	if err := b.Build(func(b *graph.Builder) {
		in = NewInputs(b, batch, srcLen, srcLen+1)
		loss = m.Loss(b, in, eps)
	}); err != nil {
		t.Fatal(err)
	}
	params, nodes := b.ParamNodes()
	if _, err := G.Grad(loss, nodes...); err != nil {
		t.Fatal(err)
	}
	vm := G.NewTapeMachine(b.G, G.BindDualValues(nodes...))
	defer vm.Close()
	rng, opt := graph.NewRNG(2), &miniAdam{}
	var last float64
	for step := 1; step <= 400; step++ {
		src, tgtIn, tgtOut := reversalBatch(rng, batch, srcLen, vocab)
		if err := in.BindSource(src); err != nil {
			t.Fatal(err)
		}
		if err := in.BindTarget(tgtIn, tgtOut); err != nil {
			t.Fatal(err)
		}
		vm.Reset()
		if err := vm.RunAll(); err != nil {
			t.Fatal(err)
		}
		last = scalar(t, loss.Value())
		lr := 3e-3 * math.Min(1, float64(step)/50)
		if err := opt.update(params, nodes, lr); err != nil {
			t.Fatal(err)
		}
	}
	floor := smoothingFloor(eps, vocab)
	t.Logf("loss after 400 steps %.4f, label-smoothing floor %.4f", last, floor)
	if last > floor+0.1 {
		t.Errorf("loss after 400 steps = %.4f, want within 0.1 of the floor %.4f", last, floor)
	}
}
