package layers

import (
	"math"
	"strings"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/seq2seq/transformer/graph"
)

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name   string
		modify func(*Config)
		want   string // substring of the error, "" for valid
	}{
		{"valid", func(*Config) {}, ""},
		{"heads do not divide", func(c *Config) { c.Heads = 3 }, "model.heads: 3 does not divide model.d_model 8"},
		{"zero width", func(c *Config) { c.DModel = 0 }, "model.d_model: 0 must be positive"},
		{"negative layers", func(c *Config) { c.EncoderLayers = -1 }, "model.encoder_layers"},
		{"zero ff", func(c *Config) { c.DFF = 0 }, "model.d_ff"},
		{"dropout one", func(c *Config) { c.Dropout = 1 }, "model.dropout: 1 is not in [0, 1)"},
		{"dropout negative", func(c *Config) { c.Dropout = -0.1 }, "model.dropout"},
		{"no vocabulary", func(c *Config) { c.TgtVocab = 0 }, "model.tgt_vocab"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tinyConfig()
			tt.modify(&c)
			err := c.Validate()
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Validate() = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

// modelLogits runs teacher-forced logits of m for one batch; mutate may
// overwrite bound inputs after the masks were computed from the real ids.
func modelLogits(t *testing.T, ps *graph.Params, m *Transformer, src, tgtIn []int, mutate func(in *Inputs) error) []float64 {
	t.Helper()
	var in *Inputs
	return evalNodes(t, ps, false, nil, func(b *graph.Builder) []*G.Node {
		in = NewInputs(b, toyBatch.B, toyBatch.S, toyBatch.T)
		return []*G.Node{m.Forward(b, in)}
	}, func(b *graph.Builder) error {
		if err := in.BindSource(src); err != nil {
			return err
		}
		if err := in.BindTarget(tgtIn, nil); err != nil {
			return err
		}
		if mutate != nil {
			return mutate(in)
		}
		return nil
	})[0]
}

func newModel(t *testing.T, dt tensor.Dtype, seed uint64) (*graph.Params, *Transformer) {
	t.Helper()
	ps := graph.NewParams(dt)
	m, err := New(tinyConfig(), ps, graph.NewRNG(seed))
	if err != nil {
		t.Fatal(err)
	}
	return ps, m
}

func sameRows(a, b []float64, v int, rows []int) bool {
	for _, r := range rows {
		for j := r * v; j < (r+1)*v; j++ {
			if math.Float64bits(a[j]) != math.Float64bits(b[j]) {
				return false
			}
		}
	}
	return true
}

func TestPaddedSourceTokenChangesNothing(t *testing.T) {
	for _, dt := range []tensor.Dtype{tensor.Float32, tensor.Float64} {
		ps, m := newModel(t, dt, 3)
		v := m.Cfg.TgtVocab
		base := modelLogits(t, ps, m, toyBatch.Src, toyBatch.TgtIn, nil)
		// Sentence 0's source position 3 is padding: put a real token there
		// while keeping the padding mask of the original ids.
		garbled := append([]int(nil), toyBatch.Src...)
		garbled[3] = 9
		got := modelLogits(t, ps, m, toyBatch.Src, toyBatch.TgtIn, func(in *Inputs) error {
			return G.Let(in.Src, intTensor(garbled))
		})
		all := []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}
		if !sameRows(base, got, v, all) {
			t.Errorf("%v: changing a padded source token changed the logits", dt)
		}
		// Sanity: changing an unpadded source token does change them.
		garbled[0] = 9
		got = modelLogits(t, ps, m, toyBatch.Src, toyBatch.TgtIn, func(in *Inputs) error {
			return G.Let(in.Src, intTensor(garbled))
		})
		if sameRows(base, got, v, []int{0}) {
			t.Errorf("%v: changing a real source token changed nothing: the probe is blind", dt)
		}
	}
}

func TestFutureTargetTokenChangesNothing(t *testing.T) {
	ps, m := newModel(t, tensor.Float32, 4)
	v, T := m.Cfg.TgtVocab, toyBatch.T
	base := modelLogits(t, ps, m, toyBatch.Src, toyBatch.TgtIn, nil)
	for pos := 1; pos < T; pos++ {
		changed := append([]int(nil), toyBatch.TgtIn...)
		changed[T+pos] = 5 // sentence 1, position pos
		got := modelLogits(t, ps, m, toyBatch.Src, changed, nil)
		var before []int
		for r := 0; r < pos; r++ {
			before = append(before, T+r)
		}
		for r := 0; r < T; r++ {
			before = append(before, r) // sentence 0 is untouched
		}
		if !sameRows(base, got, v, before) {
			t.Errorf("changing target position %d changed logits at earlier positions", pos)
		}
		if sameRows(base, got, v, []int{T + pos}) {
			t.Errorf("changing target position %d did not change its own logits", pos)
		}
	}
}

func lossOf(t *testing.T, ps *graph.Params, m *Transformer, train bool, seed uint64) float64 {
	t.Helper()
	var in *Inputs
	var rng *graph.RNG
	if train {
		rng = graph.NewRNG(seed)
	}
	return evalNodes(t, ps, train, rng, func(b *graph.Builder) []*G.Node {
		in = NewInputs(b, toyBatch.B, toyBatch.S, toyBatch.T)
		return []*G.Node{m.Loss(b, in, 0.1)}
	}, func(b *graph.Builder) error {
		if err := in.BindSource(toyBatch.Src); err != nil {
			return err
		}
		return in.BindTarget(toyBatch.TgtIn, toyBatch.TgtOut)
	})[0][0]
}

func TestSameSeedSameParametersAndLoss(t *testing.T) {
	psA, mA := newModel(t, tensor.Float32, 7)
	psB, mB := newModel(t, tensor.Float32, 7)
	for i, p := range psA.List() {
		q := psB.List()[i]
		if p.Name != q.Name {
			t.Fatalf("parameter %d: %s vs %s", i, p.Name, q.Name)
		}
		a, b := p.Value.Float32s(), q.Value.Float32s()
		for j := range a {
			if math.Float32bits(a[j]) != math.Float32bits(b[j]) {
				t.Fatalf("%s[%d]: %v vs %v", p.Name, j, a[j], b[j])
			}
		}
	}
	for _, train := range []bool{false, true} {
		la, lb := lossOf(t, psA, mA, train, 11), lossOf(t, psB, mB, train, 11)
		if math.Float64bits(la) != math.Float64bits(lb) || math.IsNaN(la) {
			t.Errorf("train=%v: losses %v and %v differ", train, la, lb)
		}
	}
	other, _ := newModel(t, tensor.Float32, 8)
	if other.List()[0].Value.Float32s()[0] == psA.List()[0].Value.Float32s()[0] {
		t.Error("different seeds gave the same first parameter value")
	}
}

func TestParameterNamesAndCount(t *testing.T) {
	ps, _ := newModel(t, tensor.Float32, 1)
	names := map[string]bool{}
	for _, p := range ps.List() {
		names[p.Name] = true
	}
	for _, want := range []string{"src_embed.weight", "tgt_embed.weight", "encoder.0.self_attn.q.weight",
		"encoder.0.norm1.bias", "encoder.0.ff.fc1.weight", "encoder.norm.weight", "decoder.0.cross_attn.o.bias",
		"decoder.0.norm3.weight", "decoder.norm.bias"} {
		if !names[want] {
			t.Errorf("no parameter %q", want)
		}
	}
	if names["generator.weight"] {
		t.Error("tied model has generator.weight")
	}
	c := tinyConfig()
	d, f := c.DModel, c.DFF
	attn := 4 * (d*d + d)
	ff := d*f + f + f*d + d
	ln := 2 * d
	want := c.SrcVocab*d + c.TgtVocab*d + (attn + ff + 2*ln) + ln + (2*attn + ff + 3*ln) + ln
	if got := ps.Count(); got != want {
		t.Errorf("Count() = %d, want %d", got, want)
	}
}
