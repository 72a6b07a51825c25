package data

import (
	"fmt"
	"path/filepath"

	"github.com/seq2seq/transformer/align"
)

// ReadAlignSplit reads the gold alignments {dir}/{split}.align of pairs
// (one Pharaoh line per pair), checking the line count and every index
// against the pairs' word counts; errors name the file and line.
func ReadAlignSplit(dir, split string, pairs []Pair) ([][]align.Link, error) {
	srcLens, tgtLens := make([]int, len(pairs)), make([]int, len(pairs))
	for i, p := range pairs {
		srcLens[i], tgtLens[i] = len(p.Src), len(p.Tgt)
	}
	return align.ReadFile(filepath.Join(dir, split+".align"), srcLens, tgtLens)
}

// GuidedTarget lays out the gold alignments of a batch as the target of
// graph.GuidedAlignment: (b.B, b.T, b.S) row-major, where row t of batch
// row r is the distribution over source positions of the decoder step that
// predicts target word t (its input is BOS and the words before t, as in
// MakeBatch) and column s is source word s (the source has no BOS or EOS).
// Each of the word's links, sure or possible, gets weight 1, then the row
// is normalised to sum to 1. Rows of words without links, of EOS, of
// padding and of filler rows stay zero, which the loss ignores. links[i]
// belongs to pairs[i]; b.Index names the pairs of the batch.
func GuidedTarget(b Batch, pairs []Encoded, links [][]align.Link) ([]float64, error) {
	out := make([]float64, b.B*b.T*b.S)
	for r, i := range b.Index {
		if i < 0 {
			continue
		}
		if i >= len(links) {
			return nil, fmt.Errorf("guided target: pair %d has no alignment (%d given)", i, len(links))
		}
		p := pairs[i]
		m := out[r*b.T*b.S : (r+1)*b.T*b.S]
		for _, l := range links[i] {
			if l.Src >= len(p.Src) || l.Tgt >= len(p.Tgt) {
				return nil, fmt.Errorf("guided target: pair %d: link %s outside %d source and %d target tokens", i, l, len(p.Src), len(p.Tgt))
			}
			m[l.Tgt*b.S+l.Src] = 1
		}
		normaliseRows(m, b.S)
	}
	return out, nil
}

// normaliseRows scales each row of width w in m to sum to 1, leaving rows
// of zeros alone.
func normaliseRows(m []float64, w int) {
	for off := 0; off < len(m); off += w {
		row := m[off : off+w]
		sum := 0.0
		for _, v := range row {
			sum += v
		}
		if sum > 0 {
			for k := range row {
				row[k] /= sum
			}
		}
	}
}

// PairLinks returns the Links of each pair, in order: the links argument
// of GuidedTarget for pairs.
func PairLinks(pairs []Encoded) [][]align.Link {
	out := make([][]align.Link, len(pairs))
	for i, p := range pairs {
		out[i] = p.Links
	}
	return out
}
