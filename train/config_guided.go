package train

// GuidedAlignmentConfig is train.guided_alignment: guided alignment (Garg
// et al. 2019) adds to the training loss Weight times the cross-entropy
// between one cross-attention head and the row-normalised gold alignment
// of {data.dir}/train.align (see graph.GuidedAlignment). Weight 0 turns it
// off and leaves the training graph exactly as without it.
type GuidedAlignmentConfig struct {
	Weight float64 `yaml:"weight"` // >= 0; 0 = off; default 0
	Layer  int     `yaml:"layer"`  // decoder layer from 0, -1 = the last; default -1
	Head   int     `yaml:"head"`   // head of that layer's cross-attention, from 0; default 0
}

// On reports whether guided alignment is part of the loss.
func (g GuidedAlignmentConfig) On() bool { return g.Weight > 0 }

// LayerIndex resolves Layer against a decoder of decoderLayers layers
// (-1 is the last).
func (g GuidedAlignmentConfig) LayerIndex(decoderLayers int) int {
	if g.Layer < 0 {
		return decoderLayers + g.Layer
	}
	return g.Layer
}

// validate checks the group against the model's decoder layers and heads.
// Any data.tokenizer works: with subword or character pieces the gold word
// links are expanded to the pieces (see attachLinks).
func (g GuidedAlignmentConfig) validate(v *validator, m ModelConfig) {
	v.finiteAtLeast("train.guided_alignment.weight", g.Weight, 0, false)
	if g.Layer < -1 || (m.DecoderLayers > 0 && g.Layer >= m.DecoderLayers) {
		v.fail("train.guided_alignment.layer", "%d must be -1 (the last) or a decoder layer in [0, %d)", g.Layer, m.DecoderLayers)
	}
	if g.Head < 0 || (m.Heads > 0 && g.Head >= m.Heads) {
		v.fail("train.guided_alignment.head", "%d must be a head in [0, %d) (model.heads)", g.Head, m.Heads)
	}
}
