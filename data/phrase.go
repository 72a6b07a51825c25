package data

import "github.com/seq2seq/transformer/align"

// ToyPair is a toy sentence pair with its gold word alignment (0-based
// source and target word positions).
type ToyPair struct {
	Pair
	Links []align.Link
}

// phrase is a source and a target token sequence with the word links
// between them, positions counted from the phrase's start. The toy
// generator builds sentences from phrases so that every link is recorded
// where the words are placed, reorderings included.
type phrase struct {
	src, tgt []string
	links    []align.Link
}

// word is a one-word phrase whose two words are linked (sure).
func word(src, tgt string) phrase {
	return phrase{src: []string{src}, tgt: []string{tgt}, links: []align.Link{{Src: 0, Tgt: 0}}}
}

// concat joins phrases in the same order on both sides.
func concat(ps ...phrase) phrase {
	order := make([]int, len(ps))
	for i := range order {
		order[i] = i
	}
	return reorder(ps, order, order)
}

// reorder joins parts in srcOrder on the source side and tgtOrder on the
// target side (both permutations of the parts' indices), shifting each
// part's links by where its words land. Links are sorted by source, then
// target position.
func reorder(parts []phrase, srcOrder, tgtOrder []int) phrase {
	srcOff, tgtOff := make([]int, len(parts)), make([]int, len(parts))
	var out phrase
	for _, k := range srcOrder {
		srcOff[k] = len(out.src)
		out.src = append(out.src, parts[k].src...)
	}
	for _, k := range tgtOrder {
		tgtOff[k] = len(out.tgt)
		out.tgt = append(out.tgt, parts[k].tgt...)
	}
	for _, k := range srcOrder {
		for _, l := range parts[k].links {
			out.links = append(out.links, align.Link{Src: l.Src + srcOff[k], Tgt: l.Tgt + tgtOff[k], Possible: l.Possible})
		}
	}
	align.Sort(out.links)
	return out
}
