package train

import (
	"github.com/seq2seq/transformer/data/tokenize"
)

// TokenizerChoices lists the valid values of data.tokenizer.
var TokenizerChoices = func() []string {
	var out []string
	for _, k := range tokenize.Kinds {
		out = append(out, string(k))
	}
	return out
}()

// minBPEVocab is the smallest data.vocab_size accepted: room for an
// alphabet of letters, digits and punctuation before any merge.
const minBPEVocab = 16

// validateTokenizer checks data.tokenizer and the keys that go with it.
func (d DataConfig) validateTokenizer(v *validator) {
	v.oneOf("data.tokenizer", d.Tokenizer, TokenizerChoices)
	if d.Raw && !d.Toy {
		v.fail("data.raw", "true needs data.toy: true (it selects the raw variant of the generated toy corpus)")
	}
	kind := tokenize.Kind(d.Tokenizer)
	switch kind {
	case tokenize.KindBPE:
		if d.VocabSize < minBPEVocab {
			v.fail("data.vocab_size", "%d must be at least %d for data.tokenizer bpe", d.VocabSize, minBPEVocab)
		}
	case tokenize.KindSentencePiece:
		if d.SPMModel == "" {
			v.fail("data.spm_model", "must name a .model file of spm_train for data.tokenizer sentencepiece")
		}
	}
	if kind != tokenize.KindSentencePiece && (d.SPMModel != "" || d.SPMTgtModel != "") {
		v.fail("data.spm_model", "is used only by data.tokenizer sentencepiece, not %s", d.Tokenizer)
	}
	if (kind == tokenize.KindBPE || kind == tokenize.KindSentencePiece) && d.MaxVocab != 0 {
		v.fail("data.max_vocab", "%d: the vocabulary of data.tokenizer %s is the tokenizer's pieces (set its size with data.vocab_size or spm_train); use 0", d.MaxVocab, d.Tokenizer)
	}
}
