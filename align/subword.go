package align

import (
	"fmt"
	"strings"
)

// WordMark is the SentencePiece mark at the start of a piece that begins a
// word.
const WordMark = "▁"

// WordStarts returns, for each piece, whether it begins a word: the first
// piece always does, and every later piece that starts with WordMark.
func WordStarts(pieces []string) []bool {
	starts := make([]bool, len(pieces))
	for i, p := range pieces {
		starts[i] = i == 0 || strings.HasPrefix(p, WordMark)
	}
	return starts
}

// wordOf maps each piece to its word index given the word-start flags.
func wordOf(starts []bool) (idx []int, words int) {
	idx = make([]int, len(starts))
	for i, s := range starts {
		if s && i > 0 {
			words++
		}
		idx[i] = words
	}
	if len(starts) == 0 {
		return idx, 0
	}
	return idx, words + 1
}

// MergePieces turns a piece-level attention matrix ([target piece][source
// piece]) into a word-level one: a source word's weight is the sum over its
// pieces (the attention mass it receives), a target word's row the mean of
// its pieces' rows.
func MergePieces(m [][]float64, srcStarts, tgtStarts []bool) ([][]float64, error) {
	if len(m) != len(tgtStarts) {
		return nil, fmt.Errorf("merge pieces: %d rows, %d target pieces", len(m), len(tgtStarts))
	}
	si, sw := wordOf(srcStarts)
	ti, tw := wordOf(tgtStarts)
	out := make([][]float64, tw)
	for r := range out {
		out[r] = make([]float64, sw)
	}
	count := make([]int, tw)
	for r, row := range m {
		if len(row) != len(srcStarts) {
			return nil, fmt.Errorf("merge pieces: row %d has %d columns, %d source pieces", r, len(row), len(srcStarts))
		}
		count[ti[r]]++
		for c, v := range row {
			out[ti[r]][si[c]] += v
		}
	}
	for r, row := range out {
		for c := range row {
			row[c] /= float64(count[r])
		}
	}
	return out, nil
}

// MergeEveryHead merges, in place, every matrix of att
// ([layer][head][target piece][source piece]) into words with MergePieces,
// src and tgt being the source and target pieces; errors name the layer and
// head.
func MergeEveryHead(att [][][][]float64, src, tgt []string) error {
	srcStarts, tgtStarts := WordStarts(src), WordStarts(tgt)
	for l, heads := range att {
		for h, m := range heads {
			var err error
			if att[l][h], err = MergePieces(m, srcStarts, tgtStarts); err != nil {
				return fmt.Errorf("layer %d head %d: %w", l, h, err)
			}
		}
	}
	return nil
}

// WordTexts returns the text of each word of pieces (see WordStarts), its
// pieces joined by decode and trimmed of surrounding space.
func WordTexts(pieces []string, decode func([]string) string) []string {
	var words []string
	var word []string
	flush := func() {
		if len(word) > 0 {
			words = append(words, strings.TrimSpace(decode(word)))
		}
		word = nil
	}
	for i, start := range WordStarts(pieces) {
		if start {
			flush()
		}
		word = append(word, pieces[i])
	}
	flush()
	return words
}

// MergeLinks maps piece-level links to word-level links (the union: a word
// pair is linked when any of their pieces are), sorted; a pair linked both
// sure and possible stays sure.
func MergeLinks(links []Link, srcStarts, tgtStarts []bool) ([]Link, error) {
	si, _ := wordOf(srcStarts)
	ti, _ := wordOf(tgtStarts)
	kind := map[pos]bool{}
	for _, l := range links {
		if l.Src >= len(si) || l.Tgt >= len(ti) {
			return nil, fmt.Errorf("merge links: link %s outside %d source and %d target pieces", l, len(si), len(ti))
		}
		p := pos{si[l.Src], ti[l.Tgt]}
		kind[p] = kind[p] || !l.Possible
	}
	out := make([]Link, 0, len(kind))
	for p, sure := range kind {
		out = append(out, Link{Src: p.s, Tgt: p.t, Possible: !sure})
	}
	Sort(out)
	return out, nil
}

// ExpandLinks maps word-level links to piece-level links: every piece of a
// linked source word is linked to every piece of the target word, with the
// word link's kind. It is the inverse of MergeLinks for training on
// subword pieces (for example a guided-alignment target).
func ExpandLinks(links []Link, srcStarts, tgtStarts []bool) ([]Link, error) {
	srcPieces, tgtPieces := piecesOf(srcStarts), piecesOf(tgtStarts)
	var out []Link
	for _, l := range links {
		if l.Src >= len(srcPieces) || l.Tgt >= len(tgtPieces) {
			return nil, fmt.Errorf("expand links: link %s outside %d source and %d target words", l, len(srcPieces), len(tgtPieces))
		}
		for _, s := range srcPieces[l.Src] {
			for _, t := range tgtPieces[l.Tgt] {
				out = append(out, Link{Src: s, Tgt: t, Possible: l.Possible})
			}
		}
	}
	Sort(out)
	return out, nil
}

// piecesOf lists the piece indices of each word given word-start flags.
func piecesOf(starts []bool) [][]int {
	idx, words := wordOf(starts)
	out := make([][]int, words)
	for p, w := range idx {
		out[w] = append(out[w], p)
	}
	return out
}
