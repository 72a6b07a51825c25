package train

import (
	"fmt"

	"github.com/seq2seq/transformer/data"
)

// attachLinks gives each encoded training pair its gold links from
// {data.dir}/train.align when train.guided_alignment is on; otherwise it
// does nothing. pairs are the pairs as read, enc their encodings, in the
// same order. The links are checked against the pairs' word counts, which
// are also their token counts (the corpus is word-tokenised).
func attachLinks(cfg *Config, pairs []data.Pair, enc []data.Encoded) error {
	g := cfg.Train.GuidedAlignment
	if !g.On() {
		return nil
	}
	links, err := data.ReadAlignSplit(cfg.Data.Dir, "train", pairs)
	if err != nil {
		return fmt.Errorf("train.guided_alignment.weight %v needs the gold alignments of the training split: %w", g.Weight, err)
	}
	for i := range enc {
		enc[i].Links = links[i]
	}
	return nil
}
