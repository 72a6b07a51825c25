package train

import (
	"strings"
	"testing"
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
