package layers

import (
	"errors"
	"fmt"
)

// Config sizes a Transformer. Vocabulary sizes come from the data.
type Config struct {
	SrcVocab, TgtVocab int
	DModel             int     // model width D
	Heads              int     // attention heads H; must divide DModel
	EncoderLayers      int     // encoder stack depth
	DecoderLayers      int     // decoder stack depth
	DFF                int     // feed-forward inner width
	Dropout            float64 // in [0, 1)
	TieEmbeddings      bool    // output projection is the target embedding transposed
	MaxPositions       int     // longest sequence the model accepts
}

// Validate reports every invalid field of c, joined.
func (c Config) Validate() error {
	var errs []error
	positive := []struct {
		name string
		v    int
	}{
		{"src_vocab", c.SrcVocab}, {"tgt_vocab", c.TgtVocab}, {"d_model", c.DModel}, {"heads", c.Heads},
		{"encoder_layers", c.EncoderLayers}, {"decoder_layers", c.DecoderLayers}, {"d_ff", c.DFF},
		{"max_positions", c.MaxPositions},
	}
	for _, p := range positive {
		if p.v <= 0 {
			errs = append(errs, fmt.Errorf("model.%s: %d must be positive", p.name, p.v))
		}
	}
	if c.Heads > 0 && c.DModel%c.Heads != 0 {
		errs = append(errs, fmt.Errorf("model.heads: %d does not divide model.d_model %d", c.Heads, c.DModel))
	}
	if c.Dropout < 0 || c.Dropout >= 1 {
		errs = append(errs, fmt.Errorf("model.dropout: %v is not in [0, 1)", c.Dropout))
	}
	return errors.Join(errs...)
}
