package train

import (
	"strings"
	"testing"

	"github.com/seq2seq/transformer/graph"
)

// TestCheckMemory checks that sizes that cannot fit are refused naming the
// key responsible, and that the shipped micro config passes.
func TestCheckMemory(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Config)
		want string // "" = accepted
	}{
		{"micro", func(*Config) {}, ""},
		{"d_model", func(c *Config) { c.Model.DModel, c.Model.Heads = 1_000_000, 1 }, "model.d_model (1000000)"},
		{"d_ff", func(c *Config) { c.Model.DFF = 1 << 40 }, "model.d_ff"},
		{"max_positions", func(c *Config) { c.Model.MaxPositions = 1 << 40 }, "model.max_positions"},
		{"batch_size", func(c *Config) { c.Train.BatchSize = 1 << 32 }, "train.batch_size"},
	}
	for _, tt := range tests {
		cfg := microConfig(t, t.TempDir())
		tt.edit(cfg)
		err := checkMemory(cfg, 300, 300)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: %v, want accepted", tt.name, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%s: err = %v, want one naming %q", tt.name, err, tt.want)
		}
	}
	cfg := microConfig(t, t.TempDir())
	if err := checkMemory(cfg, 1<<40, 300); err == nil || !strings.Contains(err.Error(), "vocabularies") {
		t.Errorf("huge vocabulary: err = %v, want one naming the vocabularies", err)
	}
}

// TestExpectedParams checks the parameter count computed from the config
// against the model BuildModel builds, tied and untied, for several
// shapes.
func TestExpectedParams(t *testing.T) {
	for _, tt := range []struct {
		d, heads, ff, enc, dec int
		tie                    bool
	}{
		{16, 2, 32, 1, 1, true}, {16, 2, 32, 1, 1, false}, {8, 2, 24, 2, 3, true}, {12, 3, 20, 3, 1, false},
	} {
		cfg := microConfig(t, t.TempDir())
		m := &cfg.Model
		m.DModel, m.Heads, m.DFF, m.EncoderLayers, m.DecoderLayers, m.TieEmbeddings = tt.d, tt.heads, tt.ff, tt.enc, tt.dec, tt.tie
		_, ps, err := BuildModel(cfg.ModelConfig(37, 53), graph.NewRNG(1))
		if err != nil {
			t.Fatalf("%+v: %v", tt, err)
		}
		if got, want := expectedParams(cfg, 37, 53), int64(ps.Count()); got != want {
			t.Errorf("%+v: expectedParams = %d, BuildModel has %d", tt, got, want)
		}
	}
}
