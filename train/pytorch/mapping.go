package pytorch

import (
	"fmt"
	"slices"

	"github.com/seq2seq/transformer/graph"
	"github.com/seq2seq/transformer/layers"
	"github.com/seq2seq/transformer/safetensors"
)

// rule makes one PyTorch tensor from parts, our parameters of the same
// shape stacked along the first axis; transpose says each part is a Linear
// weight (in, out) stored as (out, in).
type rule struct {
	name      string
	parts     []string
	transpose bool
}

// rules lists the PyTorch tensors of model m in state_dict order.
func rules(m *layers.Transformer) []rule {
	var rs []rule
	linear := func(torch string, ours *layers.Linear) {
		rs = append(rs, rule{torch + ".weight", []string{ours.Weight}, true}, rule{torch + ".bias", []string{ours.Bias}, false})
	}
	norm := func(torch string, ours *layers.LayerNorm) {
		rs = append(rs, rule{torch + ".weight", []string{ours.Weight}, false}, rule{torch + ".bias", []string{ours.Bias}, false})
	}
	attention := func(torch string, a *layers.MultiHeadAttention) {
		rs = append(rs,
			rule{torch + ".in_proj_weight", []string{a.Q.Weight, a.K.Weight, a.V.Weight}, true},
			rule{torch + ".in_proj_bias", []string{a.Q.Bias, a.K.Bias, a.V.Bias}, false})
		linear(torch+".out_proj", a.O)
	}
	for i, l := range m.Encoder {
		p := fmt.Sprintf("encoder.layers.%d.", i)
		attention(p+"self_attn", l.SelfAttn)
		linear(p+"linear1", l.FF.FC1)
		linear(p+"linear2", l.FF.FC2)
		norm(p+"norm1", l.Norm1)
		norm(p+"norm2", l.Norm2)
	}
	norm("encoder.norm", m.EncoderNorm)
	for i, l := range m.Decoder {
		p := fmt.Sprintf("decoder.layers.%d.", i)
		attention(p+"self_attn", l.SelfAttn)
		attention(p+"multihead_attn", l.CrossAttn)
		linear(p+"linear1", l.FF.FC1)
		linear(p+"linear2", l.FF.FC2)
		norm(p+"norm1", l.Norm1)
		norm(p+"norm2", l.Norm2)
		norm(p+"norm3", l.Norm3)
	}
	norm("decoder.norm", m.DecoderNorm)
	rs = append(rs, rule{m.SrcEmbed.Weight, []string{m.SrcEmbed.Weight}, false}, rule{m.TgtEmbed.Weight, []string{m.TgtEmbed.Weight}, false})
	if m.Generator != "" {
		rs = append(rs, rule{"generator.weight", []string{m.Generator}, true})
	}
	return rs
}

// StateDict returns model m's parameters in ps as the tensors of the
// PyTorch state_dict, in its order.
func StateDict(m *layers.Transformer, ps *graph.Params) ([]safetensors.Tensor, error) {
	if err := requireFloat32(ps); err != nil {
		return nil, fmt.Errorf("state dict: %w", err)
	}
	rs := rules(m)
	out := make([]safetensors.Tensor, 0, len(rs))
	for _, r := range rs {
		shape, err := r.shape(ps)
		if err != nil {
			return nil, fmt.Errorf("state dict: %w", err)
		}
		t := safetensors.Tensor{Name: r.name, Dtype: "F32", Shape: shape}
		for _, name := range r.parts {
			p := ps.Get(name)
			part := p.Value.Float32s()
			if r.transpose {
				part = transpose(part, p.Shape()[0], p.Shape()[1])
			}
			t.Data = append(t.Data, part...)
		}
		out = append(out, t)
	}
	return out, nil
}

// shape is the shape of r's PyTorch tensor: its parts' shapes in ps,
// transposed if r says so, stacked along the first axis.
func (r rule) shape(ps *graph.Params) ([]int, error) {
	var out []int
	for _, name := range r.parts {
		p := ps.Get(name)
		if p == nil {
			return nil, fmt.Errorf("model has no parameter %s for %s", name, r.name)
		}
		shape := []int(p.Shape())
		if r.transpose {
			shape = []int{shape[1], shape[0]}
		}
		if out == nil {
			out = slices.Clone(shape)
		} else {
			out[0] += shape[0]
		}
	}
	return out, nil
}

// LoadStateDict copies the PyTorch tensors of f into model m's parameters
// in ps. Every tensor the model needs must be present with its exact shape
// and no other tensor may be: each error names the tensor.
func LoadStateDict(m *layers.Transformer, ps *graph.Params, f *safetensors.File) error {
	if err := requireFloat32(ps); err != nil {
		return fmt.Errorf("load state dict: %w", err)
	}
	byName := make(map[string]*safetensors.Tensor, len(f.Tensors))
	for i := range f.Tensors {
		byName[f.Tensors[i].Name] = &f.Tensors[i]
	}
	for _, r := range rules(m) {
		t, ok := byName[r.name]
		if !ok {
			return fmt.Errorf("missing tensor %s", r.name)
		}
		delete(byName, r.name)
		if err := loadRule(ps, r, t); err != nil {
			return err
		}
	}
	for _, t := range f.Tensors {
		if _, extra := byName[t.Name]; extra {
			hint := ""
			if t.Name == "generator.weight" {
				hint = " (the config ties the output projection to tgt_embed: set model.tie_embeddings: false)"
			}
			return fmt.Errorf("unexpected tensor %s %v%s", t.Name, t.Shape, hint)
		}
	}
	return nil
}

// loadRule checks t's shape against rule r and splits it into r's parts.
func loadRule(ps *graph.Params, r rule, t *safetensors.Tensor) error {
	want, err := r.shape(ps)
	if err != nil {
		return err
	}
	if !slices.Equal(t.Shape, want) {
		hint := ""
		if r.name == "src_embed.weight" || r.name == "tgt_embed.weight" || r.name == "generator.weight" {
			hint = " (a vocabulary of another size?)"
		}
		return fmt.Errorf("tensor %s has shape %v, the configured model needs %v%s", r.name, t.Shape, want, hint)
	}
	off := 0
	for _, name := range r.parts {
		dst := ps.Get(name).Value.Float32s()
		src := t.Data[off : off+len(dst)]
		off += len(dst)
		if r.transpose {
			shape := ps.Get(name).Shape()
			src = transpose(src, shape[1], shape[0])
		}
		copy(dst, src)
	}
	return nil
}

// transpose returns the (cols, rows) transpose of the row-major (rows, cols)
// matrix a.
func transpose(a []float32, rows, cols int) []float32 {
	out := make([]float32, len(a))
	for i := 0; i < rows; i++ {
		row := a[i*cols : (i+1)*cols]
		for j, x := range row {
			out[j*rows+i] = x
		}
	}
	return out
}
