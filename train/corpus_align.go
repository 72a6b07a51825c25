package train

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/seq2seq/transformer/align"
	"github.com/seq2seq/transformer/data"
	"github.com/seq2seq/transformer/data/tokenize"
)

// attachLinks gives each encoded training pair its gold links from
// {data.dir}/train.align when train.guided_alignment is on; otherwise it
// does nothing. pairs are the pairs as read (cut by toks), enc their
// encodings, in the same order. The gold links are between the
// whitespace words of the training files: with the words tokenizer they
// are the tokens; with any other each pair's word links are expanded to
// its pieces (expandPairLinks).
func attachLinks(cfg *Config, toks Tokenizers, pairs []data.Pair, enc []data.Encoded) error {
	g := cfg.Train.GuidedAlignment
	if !g.On() {
		return nil
	}
	words := pairs
	if !toks.Words() {
		var err error
		if words, err = readWordPairs(cfg.Data); err != nil {
			return fmt.Errorf("train.guided_alignment.weight %v: %w", g.Weight, err)
		}
	}
	links, err := data.ReadAlignSplit(cfg.Data.Dir, "train", words)
	if err != nil {
		return fmt.Errorf("train.guided_alignment.weight %v needs the gold alignments of the training split: %w", g.Weight, err)
	}
	if !toks.Words() {
		path := filepath.Join(cfg.Data.Dir, "train.align")
		if links, err = expandPairLinks(path, toks.Kind(), links, words, pairs); err != nil {
			return fmt.Errorf("train.guided_alignment.weight %v: %w", g.Weight, err)
		}
	}
	for i := range enc {
		enc[i].Links = links[i]
	}
	return nil
}

// readWordPairs reads the training split as whitespace words, line for
// line as readRawSide reads it for a tokenizer (no line dropped).
func readWordPairs(d DataConfig) ([]data.Pair, error) {
	src, err := tokenize.ReadLines(d.Path("train", d.Src))
	if err != nil {
		return nil, err
	}
	tgt, err := tokenize.ReadLines(d.Path("train", d.Tgt))
	if err != nil {
		return nil, err
	}
	if len(src) != len(tgt) {
		return nil, fmt.Errorf("read %s and %s: %d lines and %d lines, want equal counts", d.Path("train", d.Src), d.Path("train", d.Tgt), len(src), len(tgt))
	}
	out := make([]data.Pair, len(src))
	for i := range src {
		out[i] = data.Pair{Src: strings.Fields(src[i]), Tgt: strings.Fields(tgt[i])}
	}
	return out, nil
}

// expandPairLinks maps each pair's word links to links between its pieces
// (align.ExpandLinks), the words of the pieces found by align.WordStarts
// (a piece starting with ▁ begins a word). The pieces of each side must
// make as many words as the line has whitespace words, the words the gold
// indexes; otherwise the error names path (the .align file) and the line.
func expandPairLinks(path string, kind tokenize.Kind, links [][]align.Link, words, pieces []data.Pair) ([][]align.Link, error) {
	out := make([][]align.Link, len(links))
	for i, ls := range links {
		srcStarts, tgtStarts := align.WordStarts(pieces[i].Src), align.WordStarts(pieces[i].Tgt)
		for _, side := range []struct {
			name   string
			starts []bool
			words  int
		}{{"source", srcStarts, len(words[i].Src)}, {"target", tgtStarts, len(words[i].Tgt)}} {
			if n := countWords(side.starts); n != side.words {
				return nil, fmt.Errorf("%s line %d: the %s's %d %s pieces make %d words, the gold alignment indexes %d whitespace words",
					path, i+1, side.name, len(side.starts), kind, n, side.words)
			}
		}
		expanded, err := align.ExpandLinks(ls, srcStarts, tgtStarts)
		if err != nil {
			return nil, fmt.Errorf("%s line %d: %w", path, i+1, err)
		}
		out[i] = expanded
	}
	return out, nil
}

// countWords is the number of words of pieces with the given word starts.
func countWords(starts []bool) int {
	n := 0
	for _, s := range starts {
		if s {
			n++
		}
	}
	return n
}
