package train

import (
	"math"
	"sort"
)

// hypothesis is one beam entry: tokens after BOS and the sum of their
// log-probabilities.
type hypothesis struct {
	tokens []int
	score  float64
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
func (tr *Translator) Beam(srcs [][]int, k int, alpha float64) ([][]int, error) {
	k = max(k, 1)
	if len(srcs) == 0 {
		return nil, nil
	}
	ids, memory, s, err := tr.encode(srcs)
	if err != nil {
		return nil, err
	}
	// Every sentence occupies k rows: repeat its source and memory.
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
				st.advance(lp[b*k*v:(b+1)*k*v], v, k, alpha)
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
			row[0] = bosID
			if j < len(st.alive) && !st.done {
				copy(row[1:], st.alive[j].tokens)
			}
			rows = append(rows, row)
		}
	}
	return rows
}

// advance expands the alive beams by one token given their log-probs
// (k rows of v), keeping the k best non-EOS expansions and moving EOS
// expansions to the finished list.
func (st *beamState) advance(lp []float64, v, k int, alpha float64) {
	atLimit := len(st.alive[0].tokens) >= st.limit
	var cands []candidate
	for j, h := range st.alive {
		row := lp[j*v : (j+1)*v]
		if atLimit {
			cands = append(cands, candidate{k: j, v: eosID, score: h.score + row[eosID]})
			continue
		}
		for tok, l := range row {
			cands = append(cands, candidate{k: j, v: tok, score: h.score + l})
		}
	}
	sort.SliceStable(cands, func(a, b int) bool { return cands[a].score > cands[b].score })
	var next []hypothesis
	for _, c := range cands {
		if len(next) == k || len(st.finished) == k {
			break
		}
		toks := append(append([]int(nil), st.alive[c.k].tokens...), c.v)
		if c.v == eosID {
			st.finished = append(st.finished, hypothesis{tokens: toks[:len(toks)-1], score: c.score / lengthPenalty(len(toks), alpha)})
			continue
		}
		next = append(next, hypothesis{tokens: toks, score: c.score})
	}
	st.alive = next
	st.done = len(st.finished) >= k || len(next) == 0
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
