package train

import (
	"fmt"

	"github.com/seq2seq/transformer/train/checkpoint"
)

// expectedParams returns how many parameters BuildModel registers for cfg's
// model section with vocabularies of srcVocab and tgtVocab types, without
// building it: embeddings (and an untied generator), per encoder layer a
// self-attention (four d x d projections with biases), a feed-forward
// block and two layer norms, per decoder layer two attentions, a
// feed-forward block and three layer norms, and the encoder's and
// decoder's final layer norms. TestExpectedParams keeps it equal to
// BuildModel's count.
func expectedParams(cfg *Config, srcVocab, tgtVocab int) int64 {
	m := cfg.Model
	d, ff := int64(m.DModel), int64(m.DFF)
	attn := 4 * (d*d + d)
	feed := d*ff + ff + ff*d + d
	norm := 2 * d
	n := int64(srcVocab+tgtVocab) * d
	if !m.TieEmbeddings {
		n += d * int64(tgtVocab)
	}
	n += int64(m.EncoderLayers) * (attn + feed + 2*norm)
	n += int64(m.DecoderLayers) * (2*attn + feed + 3*norm)
	return n + 2*norm
}

// checkLoadable refuses, before the model is allocated, a checkpoint
// whose config needs more memory than the machine has or whose tensors do
// not hold the parameters its config describes (a damaged or crafted
// checkpoint).
func checkLoadable(cfg *Config, st *checkpoint.State) error {
	if err := checkMemory(cfg, len(st.SrcVocab), len(st.TgtVocab)); err != nil {
		return err
	}
	var have int64
	for _, t := range st.Params {
		have += int64(t.Size())
	}
	if want := expectedParams(cfg, len(st.SrcVocab), len(st.TgtVocab)); have != want {
		return fmt.Errorf("the checkpoint's tensors hold %d parameters but its model section (model.d_model %d, model.d_ff %d, %d+%d layers, vocabularies %d/%d) describes %d",
			have, cfg.Model.DModel, cfg.Model.DFF, cfg.Model.EncoderLayers, cfg.Model.DecoderLayers, len(st.SrcVocab), len(st.TgtVocab), want)
	}
	return nil
}
