package pytorch

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/seq2seq/transformer/safetensors"
	"github.com/seq2seq/transformer/train"
	"github.com/seq2seq/transformer/train/checkpoint"
)

// TestExportImportIdentity exports a checkpoint, imports the export and
// requires the same weights bit for bit, the same vocabularies, and a
// second export byte-identical to the first.
func TestExportImportIdentity(t *testing.T) {
	for _, tie := range []string{"true", "false"} {
		t.Run("tie_embeddings="+tie, func(t *testing.T) {
			dir := t.TempDir()
			l := fixedModel(t, microConfig(t, "model.tie_embeddings="+tie, "model.encoder_layers=2"), 11, 13, 7)
			yml, err := l.Config.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			ckpt, err := checkpoint.Save(filepath.Join(dir, "run"), &checkpoint.State{Step: 3, Config: yml, Params: Tensors(l.Params), SrcVocab: l.Src.Tokens(), TgtVocab: l.Tgt.Tokens()}, 0, false)
			if err != nil {
				t.Fatal(err)
			}
			loaded, err := train.LoadModel(ckpt)
			if err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(dir, "model.safetensors")
			files, err := Export(loaded, out, nil)
			if err != nil {
				t.Fatal(err)
			}
			if want := []string{out, filepath.Join(dir, "model.src.vocab"), filepath.Join(dir, "model.tgt.vocab")}; !reflect.DeepEqual(files, want) {
				t.Errorf("Export wrote %v, want %v", files, want)
			}
			path, digest, err := Import(ImportOptions{Safetensors: out, Out: filepath.Join(dir, "imported")})
			if err != nil {
				t.Fatal(err)
			}
			if want := train.WeightsDigest(loaded.Params); digest != want {
				t.Errorf("imported weights_sha256 %s, exported %s", digest, want)
			}
			info, err := checkpoint.Inspect(path)
			if err != nil {
				t.Fatal(err)
			}
			if info.WeightsSHA256 != digest {
				t.Errorf("inspect of the import gives weights_sha256 %s, want %s", info.WeightsSHA256, digest)
			}
			if _, _, err := Import(ImportOptions{Safetensors: out, Out: filepath.Join(dir, "imported")}); err == nil || !strings.Contains(err.Error(), "already holds checkpoints") {
				t.Errorf("a second import into the same directory: error %v, want a refusal", err)
			}
			back, err := train.LoadModel(filepath.Join(dir, "imported"))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(back.Src.Tokens(), l.Src.Tokens()) || !reflect.DeepEqual(back.Tgt.Tokens(), l.Tgt.Tokens()) {
				t.Errorf("vocabularies changed in the round trip")
			}
			again := filepath.Join(dir, "again.safetensors")
			if _, err := Export(back, again, nil); err != nil {
				t.Fatal(err)
			}
			a, _ := os.ReadFile(out)
			b, _ := os.ReadFile(again)
			if !bytes.Equal(a, b) {
				t.Errorf("export of the import differs from the export (%d vs %d bytes)", len(b), len(a))
			}
		})
	}
}

// TestStateDictLayout checks names, shapes and where single values land:
// in_proj_weight stacks qᵀ; kᵀ; vᵀ, Linear weights are transposed, and
// every parameter is used exactly once.
func TestStateDictLayout(t *testing.T) {
	l := fixedModel(t, microConfig(t, "model.tie_embeddings=false"), 9, 10, 3)
	ts, err := StateDict(l.Model, l.Params)
	if err != nil {
		t.Fatal(err)
	}
	d, ff := 16, 32
	byName := map[string]safetensors.Tensor{}
	total := 0
	for _, x := range ts {
		byName[x.Name] = x
		total += len(x.Data)
	}
	if total != l.Params.Count() {
		t.Errorf("state dict holds %d values, the model %d", total, l.Params.Count())
	}
	wantShapes := map[string][]int{
		"encoder.layers.0.self_attn.in_proj_weight":      {3 * d, d},
		"encoder.layers.0.self_attn.in_proj_bias":        {3 * d},
		"encoder.layers.0.self_attn.out_proj.weight":     {d, d},
		"encoder.layers.0.linear1.weight":                {ff, d},
		"encoder.layers.0.linear2.weight":                {d, ff},
		"encoder.layers.0.norm2.bias":                    {d},
		"encoder.norm.weight":                            {d},
		"decoder.layers.0.multihead_attn.in_proj_weight": {3 * d, d},
		"decoder.layers.0.norm3.weight":                  {d},
		"decoder.norm.bias":                              {d},
		"src_embed.weight":                               {9, d},
		"tgt_embed.weight":                               {10, d},
		"generator.weight":                               {10, d},
	}
	for name, shape := range wantShapes {
		if got := byName[name].Shape; !reflect.DeepEqual(got, shape) {
			t.Errorf("%s shape %v, want %v", name, got, shape)
		}
	}
	if n := len(ts); n != 12+2+18+2+3 { // encoder layer, encoder.norm, decoder layer, decoder.norm, embeddings and generator
		t.Errorf("%d tensors, want 37", n)
	}
	at := func(name string, i, j int) float32 {
		p := l.Params.Get(name)
		return p.Value.Float32s()[i*p.Shape()[1]+j]
	}
	in := byName["decoder.layers.0.multihead_attn.in_proj_weight"].Data
	for part, name := range []string{"q", "k", "v"} {
		// our (in=2, out=5) is PyTorch's row part*d+5, column 2
		if got, want := in[(part*d+5)*d+2], at("decoder.0.cross_attn."+name+".weight", 2, 5); got != want {
			t.Errorf("in_proj_weight[%d, 2] = %v, want %s.weight[2, 5] = %v", part*d+5, got, name, want)
		}
	}
	if got, want := byName["encoder.layers.0.linear1.weight"].Data[7*d+3], at("encoder.0.ff.fc1.weight", 3, 7); got != want {
		t.Errorf("linear1.weight[7, 3] = %v, want fc1.weight[3, 7] = %v", got, want)
	}
	if got, want := byName["generator.weight"].Data[8*d+1], at("generator.weight", 1, 8); got != want {
		t.Errorf("generator.weight[8, 1] = %v, want ours [1, 8] = %v", got, want)
	}
	bias := byName["encoder.layers.0.self_attn.in_proj_bias"].Data
	if got, want := bias[2*d+4], l.Params.Get("encoder.0.self_attn.v.bias").Value.Float32s()[4]; got != want {
		t.Errorf("in_proj_bias[%d] = %v, want v.bias[4] = %v", 2*d+4, got, want)
	}
}

// TestImportErrors covers each way a file can fail to fit the config.
func TestImportErrors(t *testing.T) {
	dir := t.TempDir()
	l := fixedModel(t, microConfig(t), 9, 10, 3)
	good, err := StateDict(l.Model, l.Params)
	if err != nil {
		t.Fatal(err)
	}
	meta, err := metadata(l)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		cfg  *train.Config
		ts   []safetensors.Tensor
		meta map[string]string
		want string
	}{
		{name: "missing", want: "missing tensor decoder.layers.0.norm3.weight", ts: filter(good, "decoder.layers.0.norm3.weight")},
		{name: "extra", want: "unexpected tensor encoder.layers.1.norm1.weight", ts: append(append([]safetensors.Tensor(nil), good...), safetensors.Tensor{Name: "encoder.layers.1.norm1.weight", Shape: []int{16}, Data: make([]float32, 16)})},
		{name: "untied file, tied config", want: "unexpected tensor generator.weight [10 16] (the config ties", ts: append(append([]safetensors.Tensor(nil), good...), safetensors.Tensor{Name: "generator.weight", Shape: []int{10, 16}, Data: make([]float32, 160)})},
		{name: "tied file, untied config", cfg: microConfig(t, "model.tie_embeddings=false"), want: "missing tensor generator.weight"},
		{name: "wrong shape", cfg: microConfig(t, "model.d_ff=8"), want: "tensor encoder.layers.0.linear1.weight has shape [32 16], the configured model needs [8 16]"},
		{name: "vocabulary size", ts: reshaped(good, "tgt_embed.weight", []int{5, 16}), want: "tensor tgt_embed.weight has shape [5 16], the configured model needs [10 16] (a vocabulary"},
		{name: "heads", cfg: microConfig(t, "model.heads=4"), want: "nhead (model.heads) is 2, the config needs 4"},
	}
	for _, tc := range tests {
		ts, m := tc.ts, tc.meta
		if ts == nil {
			ts = good
		}
		if m == nil {
			m = meta
		}
		path := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_")+".safetensors")
		if err := safetensors.WriteFile(path, ts, m); err != nil {
			t.Fatal(err)
		}
		for _, v := range []struct {
			file string
			toks []string
		}{{"src", l.Src.Tokens()}, {"tgt", l.Tgt.Tokens()}} {
			if err := os.WriteFile(strings.TrimSuffix(path, ".safetensors")+"."+v.file+".vocab", []byte(strings.Join(v.toks, "\n")+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		cfg := tc.cfg
		if cfg == nil {
			cfg = microConfig(t)
		}
		_, _, err := Import(ImportOptions{Safetensors: path, Config: cfg, Out: filepath.Join(dir, "out")})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: Import error = %v, want one containing %q", tc.name, err, tc.want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "out")); !os.IsNotExist(err) {
		t.Errorf("a failed import left a checkpoint directory (stat: %v)", err)
	}
}

// filter returns ts without the tensor called drop.
func filter(ts []safetensors.Tensor, drop string) []safetensors.Tensor {
	var out []safetensors.Tensor
	for _, x := range ts {
		if x.Name != drop {
			out = append(out, x)
		}
	}
	return out
}

// reshaped returns ts with the tensor called name cut to shape.
func reshaped(ts []safetensors.Tensor, name string, shape []int) []safetensors.Tensor {
	out := append([]safetensors.Tensor(nil), ts...)
	for i, x := range out {
		if x.Name == name {
			n := 1
			for _, d := range shape {
				n *= d
			}
			out[i] = safetensors.Tensor{Name: name, Shape: shape, Data: x.Data[:n]}
		}
	}
	return out
}
