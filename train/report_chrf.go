package train

import (
	"fmt"

	"github.com/seq2seq/transformer/train/bleu"
)

// chrF scores detokenized hypotheses with sacreBLEU's chrF2 (the figure
// quoted beside BLEU for raw text); nil for words, whose runs report BLEU
// alone as before tokenizers existed.
func (r *trainer) chrF(hyps, refs []string) (*float64, error) {
	if r.corpus.Tok.Words() {
		return nil, nil
	}
	s, err := bleu.CorpusChrF(hyps, [][]string{refs}, bleu.ChrFOptions{})
	if err != nil {
		return nil, err
	}
	return &s.Score, nil
}

// chrFText is ", chrF2 X" for a score and "" for none.
func chrFText(s *float64) string {
	if s == nil {
		return ""
	}
	return fmt.Sprintf(", chrF2 %.2f", *s)
}
