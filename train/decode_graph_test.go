package train

import (
	"fmt"
	"math"
	"sort"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/seq2seq/transformer/data"
	"github.com/seq2seq/transformer/graph"
	"github.com/seq2seq/transformer/layers"
	"github.com/seq2seq/transformer/train/infer"
)

// graphTranslator is the previous Gorgonia-graph decoder, kept as the
// reference the incremental decoder is tested against: at step t it reruns
// the causal decoder over the whole prefix, in a graph whose length is t+1
// rounded up to the bucket, and it keeps k rows per sentence in beam search.
type graphTranslator struct {
	*Translator
	enc map[graphKey]*encGraph
	dec map[graphKey]*decGraph
}

// graphKey is a graph's shape: B sentences (rows), source length S and
// target length T.
type graphKey struct{ B, S, T int }

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

func newGraphTranslator(tr *Translator) *graphTranslator {
	return &graphTranslator{Translator: tr, enc: map[graphKey]*encGraph{}, dec: map[graphKey]*decGraph{}}
}

func (tr *graphTranslator) Close() {
	for _, g := range tr.enc {
		g.vm.Close()
	}
	for _, g := range tr.dec {
		g.vm.Close()
	}
}

func (tr *graphTranslator) encoder(k graphKey) (*encGraph, error) {
	if g, ok := tr.enc[k]; ok {
		return g, nil
	}
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

func (tr *graphTranslator) decoder(k graphKey) (*decGraph, error) {
	if g, ok := tr.dec[k]; ok {
		return g, nil
	}
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

// encode runs the encoder over srcs and returns the padded ids (B*S), the
// memory (B*S*D) and S.
func (tr *graphTranslator) encode(srcs [][]int) (ids []int, memory []float32, s int, err error) {
	longest := 0
	for _, x := range srcs {
		longest = max(longest, len(x))
	}
	s = min(data.BucketLen(longest, tr.Bucket), tr.Model.Cfg.MaxPositions)
	g, err := tr.encoder(graphKey{B: len(srcs), S: s})
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
	g.vm.Reset()
	return ids, memory, s, nil
}

// stepLogProbs runs the decoder over prefixes (R rows of length t+1, BOS
// first) against memory and returns each row's log-probabilities for
// position t, (R, V) flattened.
func (tr *graphTranslator) stepLogProbs(src []int, memory []float32, s int, prefixes [][]int) ([]float64, error) {
	r, t := len(prefixes), len(prefixes[0])
	T := min(data.BucketLen(t, tr.Bucket), tr.Model.Cfg.MaxPositions)
	g, err := tr.decoder(graphKey{B: r, S: s, T: T})
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
		infer.LogSoftmax(lp, row)
		lp[data.PadID], lp[data.BOSID] = math.Inf(-1), math.Inf(-1)
	}
	g.vm.Reset()
	return out, nil
}

// Greedy is the previous Translator.Greedy.
func (tr *graphTranslator) Greedy(srcs [][]int) ([][]int, error) {
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
		prefixes[i] = []int{data.BOSID}
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
				prefixes[i] = append(prefixes[i], data.PadID)
				continue
			}
			best := argmaxScore(scores[i], lp[i*v:(i+1)*v])
			scores[i] += lp[i*v+best]
			if len(prefixes[i])-1 >= tr.maxOut(len(srcs[i])) {
				best = data.EOSID
			}
			prefixes[i] = append(prefixes[i], best)
			done[i] = best == data.EOSID
			finished = finished && done[i]
		}
		if finished {
			break
		}
	}
	return stripOutputs(prefixes), nil
}

// stripOutputs drops BOS and everything from the first EOS or PAD.
func stripOutputs(prefixes [][]int) [][]int {
	out := make([][]int, len(prefixes))
	for i, p := range prefixes {
		out[i] = []int{}
		for _, id := range p[1:] {
			if id == data.EOSID || id == data.PadID {
				break
			}
			out[i] = append(out[i], id)
		}
	}
	return out
}

// Beam is the previous Translator.Beam: k rows per sentence, the prefixes
// rerun at every step.
func (tr *graphTranslator) Beam(srcs [][]int, k int, pen LengthPenalty) ([][]int, error) {
	k = max(k, 1)
	if len(srcs) == 0 {
		return nil, nil
	}
	ids, memory, s, err := tr.encode(srcs)
	if err != nil {
		return nil, err
	}
	d := tr.Model.Cfg.DModel
	rowIDs := make([]int, 0, len(srcs)*k*s)
	rowMem := make([]float32, 0, len(srcs)*k*s*d)
	states := make([]*beamState, len(srcs))
	for b := range srcs {
		for j := 0; j < k; j++ {
			rowIDs = append(rowIDs, ids[b*s:(b+1)*s]...)
			rowMem = append(rowMem, memory[b*s*d:(b+1)*s*d]...)
		}
		states[b] = &beamState{alive: []hypothesis{{tokens: []int{}}}, limit: tr.maxOut(len(srcs[b]))}
	}
	v := tr.Model.Cfg.TgtVocab
	for step := 0; ; step++ {
		prefixes := beamPrefixes(states, k, step)
		lp, err := tr.stepLogProbs(rowIDs, rowMem, s, prefixes)
		if err != nil {
			return nil, err
		}
		allDone := true
		for b, st := range states {
			if !st.done {
				st.advanceAll(lp[b*k*v:(b+1)*k*v], v, k, pen)
			}
			allDone = allDone && st.done
		}
		if allDone {
			break
		}
	}
	out := make([][]int, len(srcs))
	for b, st := range states {
		out[b] = st.best()
	}
	return out, nil
}

// beamPrefixes lays out every sentence's k beams as decoder inputs of
// length step+1 (BOS first); missing or finished beams are BOS + PAD.
func beamPrefixes(states []*beamState, k, step int) [][]int {
	var rows [][]int
	for _, st := range states {
		for j := 0; j < k; j++ {
			row := make([]int, step+1)
			row[0] = data.BOSID
			if j < len(st.alive) && !st.done {
				copy(row[1:], st.alive[j].tokens)
			}
			rows = append(rows, row)
		}
	}
	return rows
}

// advanceAll is the previous beamState.advance: every candidate sorted.
func (st *beamState) advanceAll(lp []float64, v, k int, pen LengthPenalty) {
	atLimit := len(st.alive[0].tokens) >= st.limit
	var cands []candidate
	for j, h := range st.alive {
		row := lp[j*v : (j+1)*v]
		if atLimit {
			cands = append(cands, candidate{k: j, v: data.EOSID, score: h.score + row[data.EOSID]})
			continue
		}
		for tok, l := range row {
			cands = append(cands, candidate{k: j, v: tok, score: h.score + l})
		}
	}
	sort.SliceStable(cands, func(a, b int) bool { return cands[a].score > cands[b].score })
	st.take(cands, k, pen)
}
