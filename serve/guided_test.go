package serve

import (
	"testing"

	"github.com/seq2seq/transformer/data"
	"github.com/seq2seq/transformer/graph"
	"github.com/seq2seq/transformer/train"
)

// TestModelBackendAlignsWithGuidedHead checks that a model trained with
// guided alignment is aligned through its guided layer and head, and
// other models through the last layer's heads averaged.
func TestModelBackendAlignsWithGuidedHead(t *testing.T) {
	tests := []struct {
		name          string
		guided        train.GuidedAlignmentConfig
		layer, head   int
		decoderLayers int
	}{
		{"unguided", train.GuidedAlignmentConfig{}, -1, -1, 2},
		{"guided last layer", train.GuidedAlignmentConfig{Weight: 0.05, Layer: -1, Head: 2}, 1, 2, 2},
		{"guided first layer", train.GuidedAlignmentConfig{Weight: 0.05, Layer: 0, Head: 1}, 0, 1, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := train.DefaultConfig()
			cfg.Model.DecoderLayers = tt.decoderLayers
			cfg.Train.GuidedAlignment = tt.guided
			src, err := data.NewVocabFromTokens([]string{data.Pad, data.Unk, data.BOS, data.EOS, "a", "b"})
			if err != nil {
				t.Fatal(err)
			}
			model, ps, err := train.BuildModel(cfg.ModelConfig(src.Size(), src.Size()), graph.NewRNG(1))
			if err != nil {
				t.Fatal(err)
			}
			m, err := NewModelBackend(&train.Loaded{Config: cfg, Model: model, Params: ps, Src: src, Tgt: src}, "")
			if err != nil {
				t.Fatal(err)
			}
			if m.alignLayer != tt.layer || m.alignHead != tt.head {
				t.Errorf("aligns through layer %d head %d, want %d %d", m.alignLayer, m.alignHead, tt.layer, tt.head)
			}
		})
	}
}
