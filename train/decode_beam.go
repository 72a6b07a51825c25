package train

import (
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

// Beam translates each source id sequence with beam search of width k,
// ranking finished hypotheses by their log-probability sum normalised by
// the length penalty pen (decode_penalty.go), their length counting EOS.
// Each step keeps the k best expansions that do not end in EOS; an
// expansion ending in EOS that ranks above the k-th of those finishes its
// hypothesis. A sentence stops when no alive hypothesis can still beat its
// best finished one, whatever its length up to the limit (the alive
// hypothesis's score only falls while its penalty at most grows to the
// limit's), or when nothing is alive; at the length limit EOS is forced.
// (Stopping once k hypotheses had finished, as beam search did, ended
// sentences whose best hypothesis was still alive, and short ones won.)
// k = 1 gives Greedy's output except where, EOS being the best token, the
// runner-up could still win by going on (never without a penalty). The
// result excludes BOS and EOS.
func (tr *Translator) Beam(srcs [][]int, k int, pen LengthPenalty) ([][]int, error) {
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
			st.advance(lp[r*v:(r+n)*v], v, k, pen)
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
// (len(alive) rows of v); see take.
func (st *beamState) advance(lp []float64, v, k int, pen LengthPenalty) {
	var cands []candidate
	if len(st.alive[0].tokens) >= st.limit {
		for j, h := range st.alive {
			cands = append(cands, candidate{k: j, v: data.EOSID, score: h.score + lp[j*v+data.EOSID]})
		}
		sort.SliceStable(cands, func(a, b int) bool { return cands[a].score > cands[b].score })
	} else {
		// An alive beam has one EOS expansion, so the 2k best hold the k
		// best that do not end in EOS.
		cands = topCandidates(st.alive, lp, v, 2*k)
	}
	st.take(cands, k, pen)
}

// take applies the expansions cands, best first (ties in order of beam and
// token): the first k that do not end in EOS become the alive beams, and
// each EOS before the k-th of them finishes its hypothesis. The sentence is then
// done when nothing is alive or no alive hypothesis can beat the best
// finished one.
func (st *beamState) take(cands []candidate, k int, pen LengthPenalty) {
	var next []hypothesis
	for _, c := range cands {
		if len(next) == k {
			break
		}
		if c.v == data.EOSID {
			toks := st.alive[c.k].tokens
			st.finished = append(st.finished, hypothesis{tokens: toks, score: pen.normalise(c.score, len(toks)+1)})
			continue
		}
		toks := append(append(make([]int, 0, len(st.alive[c.k].tokens)+1), st.alive[c.k].tokens...), c.v)
		next = append(next, hypothesis{tokens: toks, score: c.score, parent: c.k})
	}
	st.alive = next
	st.done = len(next) == 0 || st.settled(pen)
}

// settled reports whether the best finished hypothesis scores at least the
// best any alive one could still reach: an alive hypothesis's log-probability
// sum only falls as it grows, and its length penalty's divisor at most
// reaches that of the longest output, EOS included (limit+1 tokens), so its
// normalised score stays below score/divisor(limit+1) (its score being <= 0).
func (st *beamState) settled(pen LengthPenalty) bool {
	if len(st.finished) == 0 {
		return false
	}
	best := st.finished[st.bestIndex()].score
	bound := pen.divisor(st.limit + 1)
	for _, h := range st.alive {
		if !(best >= h.score/bound) { // a NaN never settles: the limit ends it
			return false
		}
	}
	return true
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
	return st.finished[st.bestIndex()].tokens
}

// bestIndex returns the index of the best finished hypothesis (the earliest
// on a tie); there must be one.
func (st *beamState) bestIndex() int {
	best := 0
	for i, h := range st.finished {
		if h.score > st.finished[best].score {
			best = i
		}
	}
	return best
}
