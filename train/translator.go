package train

import (
	"fmt"
	"math"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/seq2seq/transformer/graph"
	"github.com/seq2seq/transformer/layers"
)

// Token ids shared with package data's vocabularies.
const (
	padID = layers.PadID
	bosID = 2
	eosID = 3
)

// Translator decodes with a trained model: batched greedy search and
// batched beam search, both over cached encoder and decoder graphs. The
// decoder has no incremental state: at step t it reruns the causal decoder
// over the prefix, in a graph whose length is t+1 rounded up to the bucket.
type Translator struct {
	Model   *layers.Transformer
	Params  *graph.Params
	Bucket  int     // graph lengths are rounded up to a multiple of this
	MaxLenA float64 // output length limit: MaxLenA*len(src) + MaxLenB
	MaxLenB int
	enc     map[shapeKey]*encGraph
	dec     map[shapeKey]*decGraph
}

type encGraph struct {
	b   *graph.Builder
	in  *layers.Inputs
	out *G.Node // (B*S, D)
	vm  G.VM
}

type decGraph struct {
	b      *graph.Builder
	in     *layers.Inputs
	logits *G.Node // (B*T, V)
	vm     G.VM
}

// NewTranslator returns a translator over a model and its weights.
func NewTranslator(m *layers.Transformer, ps *graph.Params, bucket int, maxLenA float64, maxLenB int) *Translator {
	if bucket < 1 {
		bucket = 1
	}
	return &Translator{Model: m, Params: ps, Bucket: bucket, MaxLenA: maxLenA, MaxLenB: maxLenB,
		enc: map[shapeKey]*encGraph{}, dec: map[shapeKey]*decGraph{}}
}

// Close releases the cached graphs' machines.
func (tr *Translator) Close() {
	for _, g := range tr.enc {
		g.vm.Close()
	}
	for _, g := range tr.dec {
		g.vm.Close()
	}
	tr.enc, tr.dec = map[shapeKey]*encGraph{}, map[shapeKey]*decGraph{}
}

// roundLen rounds n up to the bucket, at least 2 (a one-row matrix would be
// taken for a vector by Gorgonia's Mul).
func (tr *Translator) roundLen(n int) int {
	n = max(n, 2)
	return (n + tr.Bucket - 1) / tr.Bucket * tr.Bucket
}

// maxOut is the longest output allowed for a source of n tokens, EOS
// excluded, within the model's positions.
func (tr *Translator) maxOut(n int) int {
	limit := int(tr.MaxLenA*float64(n)) + tr.MaxLenB
	return max(1, min(limit, tr.Model.Cfg.MaxPositions-1))
}

// maxCachedGraphs bounds the graphs a Translator keeps: each holds the
// values of its last run, so an unbounded cache grows with every new shape.
const maxCachedGraphs = 24

// evictIfFull closes every cached graph once the cache is full.
func (tr *Translator) evictIfFull() {
	if len(tr.enc)+len(tr.dec) >= maxCachedGraphs {
		tr.Close()
	}
}

func (tr *Translator) encoder(k shapeKey) (*encGraph, error) {
	if g, ok := tr.enc[k]; ok {
		return g, nil
	}
	tr.evictIfFull()
	g := &encGraph{b: graph.NewBuilder(tr.Params, false)}
	if err := g.b.Build(func(b *graph.Builder) {
		g.in = layers.NewInputs(b, k.B, k.S, 0)
		g.out = tr.Model.Encode(b, g.in)
	}); err != nil {
		return nil, fmt.Errorf("build encoder %dx%d: %w", k.B, k.S, err)
	}
	g.vm = G.NewTapeMachine(g.b.G)
	tr.enc[k] = g
	return g, nil
}

func (tr *Translator) decoder(k shapeKey) (*decGraph, error) {
	if g, ok := tr.dec[k]; ok {
		return g, nil
	}
	tr.evictIfFull()
	g := &decGraph{b: graph.NewBuilder(tr.Params, false)}
	if err := g.b.Build(func(b *graph.Builder) {
		g.in = layers.NewInputs(b, k.B, k.S, k.T)
		g.in.Memory = b.Input("memory", tr.Params.Dtype, k.B*k.S, tr.Model.Cfg.DModel)
		g.logits = tr.Model.Logits(b, tr.Model.Decode(b, g.in, g.in.Memory))
	}); err != nil {
		return nil, fmt.Errorf("build decoder %dx%d→%d: %w", k.B, k.S, k.T, err)
	}
	g.vm = G.NewTapeMachine(g.b.G)
	tr.dec[k] = g
	return g, nil
}

// padRows lays out id sequences as a (len(rows), width) PAD-padded matrix.
func padRows(rows [][]int, width int) []int {
	out := make([]int, len(rows)*width)
	for i, r := range rows {
		copy(out[i*width:], r[:min(len(r), width)])
	}
	return out
}

// encode runs the encoder over srcs and returns the padded ids (B*S), the
// memory (B*S*D) and S.
func (tr *Translator) encode(srcs [][]int) (ids []int, memory []float32, s int, err error) {
	longest := 0
	for _, x := range srcs {
		longest = max(longest, len(x))
	}
	s = tr.roundLen(longest)
	if s > tr.Model.Cfg.MaxPositions {
		s = tr.Model.Cfg.MaxPositions // longer sources are truncated
	}
	g, err := tr.encoder(shapeKey{B: len(srcs), S: s})
	if err != nil {
		return nil, nil, 0, err
	}
	ids = padRows(srcs, s)
	if err := g.in.BindSource(ids); err != nil {
		return nil, nil, 0, err
	}
	g.vm.Reset()
	if err := g.vm.RunAll(); err != nil {
		return nil, nil, 0, fmt.Errorf("run encoder: %w", err)
	}
	memory = append([]float32(nil), g.out.Value().Data().([]float32)...)
	g.vm.Reset() // release the machine's buffers until the next batch
	if err := g.b.Release(); err != nil {
		return nil, nil, 0, err
	}
	return ids, memory, s, nil
}

// stepLogProbs runs the decoder over prefixes (R rows of length t+1, BOS
// first) against memory and returns each row's log-probabilities for
// position t, (R, V) flattened, in float64.
func (tr *Translator) stepLogProbs(src []int, memory []float32, s int, prefixes [][]int) ([]float64, error) {
	r, t := len(prefixes), len(prefixes[0])
	T := min(tr.roundLen(t), tr.Model.Cfg.MaxPositions)
	g, err := tr.decoder(shapeKey{B: r, S: s, T: T})
	if err != nil {
		return nil, err
	}
	if err := g.in.BindSource(src); err != nil {
		return nil, err
	}
	if err := G.Let(g.in.Memory, tensor.New(tensor.WithShape(r*s, tr.Model.Cfg.DModel), tensor.WithBacking(memory))); err != nil {
		return nil, fmt.Errorf("bind memory: %w", err)
	}
	if err := g.in.BindTarget(padRows(prefixes, T), nil); err != nil {
		return nil, err
	}
	g.vm.Reset()
	if err := g.vm.RunAll(); err != nil {
		return nil, fmt.Errorf("run decoder: %w", err)
	}
	logits := g.logits.Value().Data().([]float32) // (R*T, V)
	v := tr.Model.Cfg.TgtVocab
	out := make([]float64, r*v)
	for i := 0; i < r; i++ {
		row := logits[(i*T+t-1)*v : (i*T+t)*v]
		lp := out[i*v : (i+1)*v]
		logSoftmax(lp, row)
		// Padding and BOS are never outputs (as in fairseq).
		lp[padID], lp[bosID] = math.Inf(-1), math.Inf(-1)
	}
	g.vm.Reset()
	if err := g.b.Release(); err != nil {
		return nil, err
	}
	return out, nil
}

// logSoftmax writes log(softmax(row)) into dst in float64.
func logSoftmax(dst []float64, row []float32) {
	mx := math.Inf(-1)
	for _, x := range row {
		mx = math.Max(mx, float64(x))
	}
	var z float64
	for _, x := range row {
		z += math.Exp(float64(x) - mx)
	}
	lse := mx + math.Log(z)
	for j, x := range row {
		dst[j] = float64(x) - lse
	}
}

// Greedy translates each source id sequence by taking the most probable
// token at every step (the lowest id on a tie), up to EOS or the length
// limit. The result excludes BOS and EOS.
func (tr *Translator) Greedy(srcs [][]int) ([][]int, error) {
	if len(srcs) == 0 {
		return nil, nil
	}
	ids, memory, s, err := tr.encode(srcs)
	if err != nil {
		return nil, err
	}
	prefixes := make([][]int, len(srcs))
	scores := make([]float64, len(srcs))
	done := make([]bool, len(srcs))
	longest := 0
	for i, x := range srcs {
		prefixes[i] = []int{bosID}
		longest = max(longest, tr.maxOut(len(x)))
	}
	v := tr.Model.Cfg.TgtVocab
	for step := 0; step <= longest; step++ {
		lp, err := tr.stepLogProbs(ids, memory, s, prefixes)
		if err != nil {
			return nil, err
		}
		finished := true
		for i := range prefixes {
			if done[i] {
				prefixes[i] = append(prefixes[i], padID)
				continue
			}
			best := argmaxScore(scores[i], lp[i*v:(i+1)*v])
			scores[i] += lp[i*v+best]
			if len(prefixes[i])-1 >= tr.maxOut(len(srcs[i])) {
				best = eosID // length limit reached
			}
			prefixes[i] = append(prefixes[i], best)
			done[i] = best == eosID
			finished = finished && done[i]
		}
		if finished {
			break
		}
	}
	return stripOutputs(prefixes), nil
}

// argmaxScore returns the token maximising score+lp[v], lowest id on ties:
// the same arithmetic as one beam of beam search, so beam 1 equals greedy.
func argmaxScore(score float64, lp []float64) int {
	best := 0
	for j := 1; j < len(lp); j++ {
		if score+lp[j] > score+lp[best] {
			best = j
		}
	}
	return best
}

// stripOutputs drops BOS and everything from the first EOS or PAD.
func stripOutputs(prefixes [][]int) [][]int {
	out := make([][]int, len(prefixes))
	for i, p := range prefixes {
		out[i] = []int{}
		for _, id := range p[1:] {
			if id == eosID || id == padID {
				break
			}
			out[i] = append(out[i], id)
		}
	}
	return out
}
