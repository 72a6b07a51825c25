package train

import (
	"math"
	"sort"

	"github.com/seq2seq/transformer/data"
)

// hypothesis is one beam entry: tokens after BOS, the sum of their
// log-probabilities, and the index of the alive hypothesis it extends.
type hypothesis struct {
	tokens []int
	score  float64
	parent int
}

// lengthPenalty is GNMT's ((5+len)/6)^alpha.
func lengthPenalty(n int, alpha float64) float64 {
	return math.Pow((5+float64(n))/6, alpha)
}

// beamState is the search state of one source sentence.
type beamState struct {
	alive    []hypothesis
	finished []hypothesis // scores already length-normalised
	limit    int
	done     bool
}

// candidate is an expansion of alive beam k by token v.
type candidate struct {
	k, v  int
	score float64
}

// Beam translates each source id sequence with beam search of width k and
// GNMT length penalty alpha: finished hypotheses are ranked by
// score/((5+len)/6)^alpha, len counting EOS. A sentence stops when it has k
// finished hypotheses; at the length limit EOS is forced. k = 1 gives
// exactly Greedy's output. The result excludes BOS and EOS.
//
// The decoder holds one row per alive hypothesis, sentence by sentence;
// after every step its rows are gathered by parent hypothesis, and finished
// sentences leave it.
func (tr *Translator) Beam(srcs [][]int, k int, alpha float64) ([][]int, error) {
	k = max(k, 1)
	if len(srcs) == 0 {
		return nil, nil
	}
	dec, err := tr.start(srcs)
	if err != nil {
		return nil, err
	}
	states := make([]*beamState, len(srcs))
	tokens := make([]int, len(srcs)) // each row's next input
	for b := range srcs {
		states[b] = &beamState{alive: []hypothesis{{tokens: []int{}}}, limit: tr.maxOut(len(srcs[b]))}
		tokens[b] = data.BOSID
	}
	v := tr.Model.Cfg.TgtVocab
	for len(tokens) > 0 {
		lp, err := tr.step(dec, tokens)
		if err != nil {
			return nil, err
		}
		var parents, next []int
		for r := 0; r < len(tokens); {
			st := states[dec.Sentence(r)]
			n := len(st.alive)
			st.advance(lp[r*v:(r+n)*v], v, k, alpha)
			if !st.done {
				for _, h := range st.alive {
					parents = append(parents, r+h.parent)
					next = append(next, h.tokens[len(h.tokens)-1])
				}
			}
			r += n
		}
		dec.Reorder(parents)
		tokens = next
	}
	out := make([][]int, len(srcs))
	for b, st := range states {
		out[b] = st.best()
	}
	return out, nil
}

// advance expands the alive beams by one token given their log-probs
// (len(alive) rows of v), keeping the k best non-EOS expansions and moving
// EOS expansions to the finished list. Candidates are taken best first,
// ties in order of beam and token.
func (st *beamState) advance(lp []float64, v, k int, alpha float64) {
	atLimit := len(st.alive[0].tokens) >= st.limit
	var cands []candidate
	if atLimit {
		for j, h := range st.alive {
			cands = append(cands, candidate{k: j, v: data.EOSID, score: h.score + lp[j*v+data.EOSID]})
		}
		sort.SliceStable(cands, func(a, b int) bool { return cands[a].score > cands[b].score })
	} else {
		// At most 2k-1 candidates are taken (k-1 kept, then up to k
		// finished, or k kept): only the 2k best need ordering.
		cands = topCandidates(st.alive, lp, v, 2*k)
	}
	var next []hypothesis
	for _, c := range cands {
		if len(next) == k || len(st.finished) == k {
			break
		}
		toks := append(append([]int(nil), st.alive[c.k].tokens...), c.v)
		if c.v == data.EOSID {
			st.finished = append(st.finished, hypothesis{tokens: toks[:len(toks)-1], score: c.score / lengthPenalty(len(toks), alpha)})
			continue
		}
		next = append(next, hypothesis{tokens: toks, score: c.score, parent: c.k})
	}
	st.alive = next
	st.done = len(st.finished) >= k || len(next) == 0
}

// topCandidates returns the n best expansions of alive by every token, in
// the order a stable sort of all of them by descending score gives: ties
// keep the order of beam, then token. With a NaN score that order is the
// sort algorithm's, so it then sorts them all.
func topCandidates(alive []hypothesis, lp []float64, v, n int) []candidate {
	top := make([]candidate, 0, n+1)
	for j, h := range alive {
		for tok, l := range lp[j*v : (j+1)*v] {
			s := h.score + l
			if s != s {
				return sortedCandidates(alive, lp, v)
			}
			if len(top) == n && s <= top[n-1].score {
				continue
			}
			// Insert after every candidate scoring at least s.
			at := sort.Search(len(top), func(i int) bool { return top[i].score < s })
			if len(top) < n {
				top = append(top, candidate{})
			}
			copy(top[at+1:], top[at:len(top)-1])
			top[at] = candidate{k: j, v: tok, score: s}
		}
	}
	return top
}

// sortedCandidates returns every expansion of alive, stably sorted by
// descending score.
func sortedCandidates(alive []hypothesis, lp []float64, v int) []candidate {
	var cands []candidate
	for j, h := range alive {
		for tok, l := range lp[j*v : (j+1)*v] {
			cands = append(cands, candidate{k: j, v: tok, score: h.score + l})
		}
	}
	sort.SliceStable(cands, func(a, b int) bool { return cands[a].score > cands[b].score })
	return cands
}

// best returns the finished hypothesis with the highest normalised score
// (the earliest found on a tie).
func (st *beamState) best() []int {
	if len(st.finished) == 0 {
		return []int{}
	}
	best := 0
	for i, h := range st.finished {
		if h.score > st.finished[best].score {
			best = i
		}
	}
	return st.finished[best].tokens
}
