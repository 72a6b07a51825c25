package pytorch

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/seq2seq/transformer/data"
	"github.com/seq2seq/transformer/layers"
)

// Metadata keys of an exported file.
const (
	// MetaFormat is "pt", as Hugging Face's save_file writes for PyTorch.
	MetaFormat = "format"
	// MetaModel is the ModelMeta JSON.
	MetaModel = "model"
	// MetaConfig is the exporting run's resolved YAML config.
	MetaConfig = "config"
)

// ModelMeta is the model's shape and conventions as stored in the
// "model" metadata entry: the first six fields are the keyword arguments of
// torch.nn.Transformer, the rest what the module around it needs.
type ModelMeta struct {
	DModel           int     `json:"d_model"`
	NHead            int     `json:"nhead"`
	NumEncoderLayers int     `json:"num_encoder_layers"`
	NumDecoderLayers int     `json:"num_decoder_layers"`
	DimFeedforward   int     `json:"dim_feedforward"`
	Dropout          float64 `json:"dropout"`
	LayerNormEps     float64 `json:"layer_norm_eps"`
	Activation       string  `json:"activation"`
	BatchFirst       bool    `json:"batch_first"`
	NormFirst        bool    `json:"norm_first"`
	TieEmbeddings    bool    `json:"tie_embeddings"`
	SrcVocab         int     `json:"src_vocab"`
	TgtVocab         int     `json:"tgt_vocab"`
	MaxPositions     int     `json:"max_positions"`
	PadID            int     `json:"pad_id"`
	UnkID            int     `json:"unk_id"`
	BOSID            int     `json:"bos_id"`
	EOSID            int     `json:"eos_id"`
}

// NewModelMeta describes a model of config c.
func NewModelMeta(c layers.Config) ModelMeta {
	return ModelMeta{
		DModel: c.DModel, NHead: c.Heads, NumEncoderLayers: c.EncoderLayers, NumDecoderLayers: c.DecoderLayers,
		DimFeedforward: c.DFF, Dropout: c.Dropout, LayerNormEps: layers.LayerNormEps, Activation: "relu",
		BatchFirst: true, NormFirst: true, TieEmbeddings: c.TieEmbeddings,
		SrcVocab: c.SrcVocab, TgtVocab: c.TgtVocab, MaxPositions: c.MaxPositions,
		PadID: data.PadID, UnkID: data.UnkID, BOSID: data.BOSID, EOSID: data.EOSID,
	}
}

// checkCompatible reports the first way the file's model metadata (raw
// JSON, empty when absent) differs from config c in what the weights' shapes
// cannot show: heads, layer norm epsilon, activation, layout, special ids.
func checkCompatible(raw string, c layers.Config) error {
	if raw == "" {
		return nil
	}
	var got ModelMeta
	dec := json.NewDecoder(strings.NewReader(raw))
	if err := dec.Decode(&got); err != nil {
		return fmt.Errorf("metadata %q: %w", MetaModel, err)
	}
	want := NewModelMeta(c)
	for _, d := range []struct {
		key       string
		got, want any
	}{
		{"nhead (model.heads)", got.NHead, want.NHead},
		{"layer_norm_eps", got.LayerNormEps, want.LayerNormEps},
		{"activation", got.Activation, want.Activation},
		{"norm_first", got.NormFirst, want.NormFirst},
		{"batch_first", got.BatchFirst, want.BatchFirst},
		{"pad_id", got.PadID, want.PadID},
		{"unk_id", got.UnkID, want.UnkID},
		{"bos_id", got.BOSID, want.BOSID},
		{"eos_id", got.EOSID, want.EOSID},
	} {
		if d.got != d.want {
			return fmt.Errorf("metadata %q: %s is %v, the config needs %v", MetaModel, d.key, d.got, d.want)
		}
	}
	return nil
}
