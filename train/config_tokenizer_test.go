package train

import (
	"strings"
	"testing"
)

// TestTokenizerConfigErrors checks that each bad tokenizer setting is an
// error naming its key (and the choices, for data.tokenizer).
func TestTokenizerConfigErrors(t *testing.T) {
	tests := []struct {
		name   string
		change func(*DataConfig)
		want   []string
	}{
		{"unknown kind", func(d *DataConfig) { d.Tokenizer = "wordpiece" }, []string{"data.tokenizer", `"wordpiece" is not one of words, chars, bpe, sentencepiece`}},
		{"bpe too small", func(d *DataConfig) { d.Tokenizer, d.VocabSize = "bpe", 5 }, []string{"data.vocab_size", "at least 16"}},
		{"spm without model", func(d *DataConfig) { d.Tokenizer = "sentencepiece" }, []string{"data.spm_model", "must name"}},
		{"model without spm", func(d *DataConfig) { d.SPMModel = "x.model" }, []string{"data.spm_model", "only by data.tokenizer sentencepiece"}},
		{"raw without toy", func(d *DataConfig) { d.Raw, d.Toy = true, false }, []string{"data.raw", "data.toy"}},
		{"bpe with max_vocab", func(d *DataConfig) { d.Tokenizer, d.MaxVocab = "bpe", 100 }, []string{"data.max_vocab", "data.vocab_size"}},
	}
	for _, tt := range tests {
		c := validTestConfig()
		tt.change(&c.Data)
		err := c.Validate()
		for _, w := range tt.want {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Errorf("%s: Validate() = %v, want an error containing %q", tt.name, err, w)
			}
		}
	}
	for _, kind := range []string{"words", "chars", "bpe"} {
		c := validTestConfig()
		c.Data.Tokenizer = kind
		if err := c.Validate(); err != nil {
			t.Errorf("data.tokenizer %s: Validate() = %v, want nil", kind, err)
		}
	}
	for _, kind := range []string{"words", "chars", "bpe"} { // guided alignment expands word links to pieces
		c := validTestConfig()
		c.Data.Tokenizer = kind
		c.Train.GuidedAlignment = GuidedAlignmentConfig{Weight: 0.5, Layer: -1}
		if err := c.Validate(); err != nil {
			t.Errorf("guided alignment with data.tokenizer %s: Validate() = %v, want nil", kind, err)
		}
	}
}
