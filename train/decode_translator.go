package train

import (
	"math"

	"github.com/seq2seq/transformer/data"
	"github.com/seq2seq/transformer/graph"
	"github.com/seq2seq/transformer/layers"
	"github.com/seq2seq/transformer/train/infer"
)

// Translator decodes with a trained model: batched greedy search and
// batched beam search over package infer's incremental decoder, which keeps
// every hypothesis's self-attention keys and values, so a step costs one
// position. Each call takes a fresh snapshot of the weights in Params, so a
// Translator follows a model that is still training (it must not run during
// a training step).
type Translator struct {
	Model   *layers.Transformer
	Params  *graph.Params
	Bucket  int     // graph lengths (Attention) are rounded up to a multiple of this
	MaxLenA float64 // output length limit: MaxLenA*len(src) + MaxLenB
	MaxLenB int
}

// NewTranslator returns a translator over a model and its weights.
func NewTranslator(m *layers.Transformer, ps *graph.Params, bucket int, maxLenA float64, maxLenB int) *Translator {
	if bucket < 1 {
		bucket = 1
	}
	return &Translator{Model: m, Params: ps, Bucket: bucket, MaxLenA: maxLenA, MaxLenB: maxLenB}
}

// maxOut is the longest output allowed for a source of n tokens, EOS
// excluded, within the model's positions.
func (tr *Translator) maxOut(n int) int {
	limit := DecodeConfig{MaxLenA: tr.MaxLenA, MaxLenB: tr.MaxLenB}.MaxOutputLen(n)
	return max(1, min(limit, tr.Model.Cfg.MaxPositions-1))
}

// padRows lays out id sequences as a (len(rows), width) PAD-padded matrix.
func padRows(rows [][]int, width int) []int {
	out := make([]int, len(rows)*width)
	for i, r := range rows {
		copy(out[i*width:], r[:min(len(r), width)])
	}
	return out
}

// start encodes srcs over a snapshot of the weights and returns a decoder
// with one row per sentence.
func (tr *Translator) start(srcs [][]int) (infer.Decoder, error) {
	return infer.Start(tr.Model, tr.Params, srcs)
}

// step feeds one token per decoder row and returns the rows' next-token
// log-probabilities, (rows, V) flattened. Padding and BOS are never outputs
// (as in fairseq).
func (tr *Translator) step(dec infer.Decoder, tokens []int) ([]float64, error) {
	lp, err := dec.LogProbs(tokens)
	if err != nil {
		return nil, err
	}
	v := tr.Model.Cfg.TgtVocab
	for i := 0; i < len(lp); i += v {
		lp[i+data.PadID], lp[i+data.BOSID] = math.Inf(-1), math.Inf(-1)
	}
	return lp, nil
}

// Greedy translates each source id sequence by taking the most probable
// token at every step (the lowest id on a tie), up to EOS or the length
// limit. The result excludes BOS and EOS. A finished sentence leaves the
// batch, so it costs nothing more.
func (tr *Translator) Greedy(srcs [][]int) ([][]int, error) {
	if len(srcs) == 0 {
		return nil, nil
	}
	dec, err := tr.start(srcs)
	if err != nil {
		return nil, err
	}
	out := make([][]int, len(srcs))
	scores := make([]float64, len(srcs))
	tokens := make([]int, len(srcs)) // each row's next input
	for i := range srcs {
		out[i], tokens[i] = []int{}, data.BOSID
	}
	v := tr.Model.Cfg.TgtVocab
	for step := 0; len(tokens) > 0; step++ {
		lp, err := tr.step(dec, tokens)
		if err != nil {
			return nil, err
		}
		var parents, next []int
		for r := range tokens {
			i := dec.Sentence(r)
			best := argmaxScore(scores[i], lp[r*v:(r+1)*v])
			scores[i] += lp[r*v+best]
			if step >= tr.maxOut(len(srcs[i])) {
				best = data.EOSID // length limit reached
			}
			if best == data.EOSID || best == data.PadID { // PAD only when every score is NaN
				continue
			}
			out[i] = append(out[i], best)
			parents, next = append(parents, r), append(next, best)
		}
		if len(parents) < len(tokens) {
			dec.Reorder(parents)
		}
		tokens = next
	}
	return out, nil
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
