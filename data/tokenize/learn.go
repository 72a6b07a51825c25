package tokenize

import (
	"container/heap"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// LearnBPE learns a BPE tokenizer from lines of raw text with vocabSize
// pieces: the characters of the normalised lines (▁ included) plus one
// piece per merge, not counting the 256 byte pieces of the byte fallback.
// Learning stops early when no pair is left to merge. For a joint
// vocabulary pass the lines of both sides.
//
// Each step merges the adjacent pair with the highest count over the
// training words (each word weighted by its frequency); ties go to the
// pair whose left piece is bytewise smallest, then whose right piece is.
// A merge whose result would read as a byte piece (<0xNN>) is skipped.
// Pair counts are updated incrementally, only in the words a merge
// touches, and the best pair is kept in a heap. The result depends only
// on lines and vocabSize.
func LearnBPE(lines []string, vocabSize int) (*BPE, error) {
	if err := CheckUTF8("training line", lines); err != nil {
		return nil, fmt.Errorf("learn bpe: %w", err)
	}
	freq := wordCounts(lines)
	if len(freq) == 0 {
		return nil, fmt.Errorf("learn bpe: no words in %d training lines", len(lines))
	}
	l := newLearner(freq)
	if vocabSize < len(l.pieces) {
		return nil, fmt.Errorf("learn bpe: vocab size %d is smaller than the %d characters of the training text (▁ included); use at least %d",
			vocabSize, len(l.pieces), len(l.pieces))
	}
	alphabet := append([]string(nil), l.pieces...)
	for len(l.pieces) < vocabSize {
		if !l.step() {
			break
		}
	}
	return newBPE(alphabet, l.merges)
}

// wordCounts counts the ▁-prefixed words of the normalised lines.
func wordCounts(lines []string) map[string]int64 {
	freq := map[string]int64{}
	for _, line := range lines {
		s := Normalize(line)
		if s == "" {
			continue
		}
		for w := range strings.SplitSeq(s, " ") {
			freq[Boundary+w]++
		}
	}
	return freq
}

// learner holds the state of BPE learning.
type learner struct {
	pieces []string
	ids    map[string]int32
	words  [][]int32 // symbol ids of each distinct word
	freq   []int64
	counts map[uint64]int64   // pair -> weighted count
	where  map[uint64][]int32 // pair -> words it has occurred in (may repeat)
	banned map[uint64]bool
	merges [][2]string
	queue  pairHeap
	seen   []int // per word, the last step that rewrote it
	delta  map[uint64]int64
}

// newLearner splits the words into characters and counts every pair.
func newLearner(freq map[string]int64) *learner {
	l := &learner{ids: map[string]int32{}, counts: map[uint64]int64{},
		where: map[uint64][]int32{}, banned: map[uint64]bool{}, delta: map[uint64]int64{}}
	words := make([]string, 0, len(freq))
	chars := map[rune]bool{}
	for w := range freq {
		words = append(words, w)
		for _, r := range w {
			chars[r] = true
		}
	}
	slices.Sort(words)
	alphabet := make([]rune, 0, len(chars))
	for r := range chars {
		alphabet = append(alphabet, r)
	}
	slices.Sort(alphabet)
	for _, r := range alphabet {
		l.addPiece(string(r))
	}
	l.words = make([][]int32, len(words))
	l.freq = make([]int64, len(words))
	l.seen = make([]int, len(words))
	for i, w := range words {
		syms := make([]int32, 0, utf8.RuneCountInString(w))
		for _, r := range w {
			syms = append(syms, l.ids[string(r)])
		}
		l.words[i], l.freq[i] = syms, freq[w]
		for j := 0; j+1 < len(syms); j++ {
			k := pairKey(syms[j], syms[j+1])
			l.counts[k] += freq[w]
			l.where[k] = append(l.where[k], int32(i))
		}
	}
	l.queue = l.queue[:0]
	for k, c := range l.counts {
		l.queue = append(l.queue, pairEntry{count: c, key: k, l: l})
	}
	heap.Init(&l.queue)
	return l
}

// addPiece appends a piece and returns its id.
func (l *learner) addPiece(p string) int32 {
	id := int32(len(l.pieces))
	l.pieces = append(l.pieces, p)
	l.ids[p] = id
	return id
}

// step performs the best merge; it returns false when no pair is left.
func (l *learner) step() bool {
	for l.queue.Len() > 0 {
		e := heap.Pop(&l.queue).(pairEntry)
		if l.banned[e.key] || e.count <= 0 || l.counts[e.key] != e.count {
			continue // stale or unusable entry
		}
		a, b := int32(e.key>>32), int32(uint32(e.key))
		merged := l.pieces[a] + l.pieces[b]
		if _, isByte := parseBytePiece(merged); isByte {
			l.banned[e.key] = true
			continue
		}
		res, ok := l.ids[merged]
		if !ok {
			res = l.addPiece(merged)
		}
		l.merges = append(l.merges, [2]string{l.pieces[a], l.pieces[b]})
		l.apply(a, b, res)
		return true
	}
	return false
}

// apply rewrites every word holding the pair (a, b) and updates the pair
// counts by the difference between its old and new pairs.
func (l *learner) apply(a, b, res int32) {
	key := pairKey(a, b)
	stamp := len(l.merges)
	clear(l.delta)
	for _, w := range l.where[key] {
		if l.seen[w] == stamp {
			continue
		}
		l.seen[w] = stamp
		syms := l.words[w]
		out, changed := mergePair(syms, a, b, res)
		if !changed {
			continue
		}
		f := l.freq[w]
		for j := 0; j+1 < len(syms); j++ {
			l.delta[pairKey(syms[j], syms[j+1])] -= f
		}
		for j := 0; j+1 < len(out); j++ {
			k := pairKey(out[j], out[j+1])
			l.delta[k] += f
			if out[j] == res || out[j+1] == res {
				l.where[k] = append(l.where[k], w)
			}
		}
		l.words[w] = out
	}
	delete(l.where, key)
	for k, d := range l.delta {
		if d == 0 {
			continue
		}
		c := l.counts[k] + d
		if c <= 0 {
			delete(l.counts, k)
			continue
		}
		l.counts[k] = c
		heap.Push(&l.queue, pairEntry{count: c, key: k, l: l})
	}
}

// mergePair replaces each non-overlapping (a, b), left to right, by res.
func mergePair(syms []int32, a, b, res int32) ([]int32, bool) {
	out := make([]int32, 0, len(syms))
	changed := false
	for i := 0; i < len(syms); i++ {
		if i+1 < len(syms) && syms[i] == a && syms[i+1] == b {
			out = append(out, res)
			i++
			changed = true
			continue
		}
		out = append(out, syms[i])
	}
	return out, changed
}

// pairEntry is a heap entry: a pair and its count when pushed.
type pairEntry struct {
	count int64
	key   uint64
	l     *learner
}

// pairHeap pops the highest count first, ties to the bytewise smallest
// left piece, then right piece.
type pairHeap []pairEntry

func (h pairHeap) Len() int { return len(h) }
func (h pairHeap) Less(i, j int) bool {
	if h[i].count != h[j].count {
		return h[i].count > h[j].count
	}
	p := h[i].l.pieces
	ai, bi := p[int32(h[i].key>>32)], p[int32(uint32(h[i].key))]
	aj, bj := p[int32(h[j].key>>32)], p[int32(uint32(h[j].key))]
	if ai != aj {
		return ai < aj
	}
	return bi < bj
}
func (h pairHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *pairHeap) Push(x any)   { *h = append(*h, x.(pairEntry)) }
func (h *pairHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	*h = old[:len(old)-1]
	return e
}

// LearnBPEFiles learns a BPE tokenizer from the lines of every file in
// paths (one file per side for a joint vocabulary, one for a side's own),
// failing with the file and line of any invalid UTF-8.
func LearnBPEFiles(paths []string, vocabSize int) (*BPE, error) {
	var lines []string
	for _, p := range paths {
		l, err := ReadLines(p)
		if err != nil {
			return nil, fmt.Errorf("learn bpe: %w", err)
		}
		lines = append(lines, l...)
	}
	return LearnBPE(lines, vocabSize)
}
