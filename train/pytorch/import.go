package pytorch

import (
	"fmt"
	"path/filepath"

	"gorgonia.org/tensor"

	"github.com/seq2seq/transformer/data"
	"github.com/seq2seq/transformer/graph"
	"github.com/seq2seq/transformer/safetensors"
	"github.com/seq2seq/transformer/train"
	"github.com/seq2seq/transformer/train/checkpoint"
)

// ImportOptions says what to import and where.
type ImportOptions struct {
	Safetensors string        // the weights
	Config      *train.Config // the model's config; nil: the file's "config" metadata
	SrcVocab    string        // source vocabulary file; "": beside Safetensors (VocabPaths)
	TgtVocab    string        // target vocabulary file; "": beside Safetensors
	Out         string        // run directory the checkpoint is saved in
}

// Import reads a safetensors file in PyTorch's names (see the package
// doc), checks it against the config and the vocabularies, and saves it as
// the step-0 checkpoint of run directory o.Out (latest and best point to
// it); a directory that already holds checkpoints is refused. It returns the checkpoint's path and the weights' digest.
func Import(o ImportOptions) (path, digest string, err error) {
	if steps, _ := checkpoint.ListSteps(o.Out); len(steps) > 0 {
		return "", "", fmt.Errorf("import %s: %s already holds checkpoints (%s); import into a new directory", o.Safetensors, o.Out, filepath.Base(steps[len(steps)-1]))
	}
	f, err := safetensors.ReadFile(o.Safetensors)
	if err != nil {
		return "", "", fmt.Errorf("import: %w", err)
	}
	cfg := o.Config
	if cfg == nil {
		if cfg, err = train.ParseConfig([]byte(f.Metadata[MetaConfig]), o.Safetensors+" metadata config"); err != nil {
			return "", "", fmt.Errorf("import %s: no --config given and %w", o.Safetensors, err)
		}
	}
	src, tgt, err := vocabularies(o)
	if err != nil {
		return "", "", fmt.Errorf("import %s: %w", o.Safetensors, err)
	}
	mc := cfg.ModelConfig(src.Size(), tgt.Size())
	if err := checkCompatible(f.Metadata[MetaModel], mc); err != nil {
		return "", "", fmt.Errorf("import %s: %w", o.Safetensors, err)
	}
	m, ps, err := train.BuildModel(mc, graph.NewRNG(0))
	if err != nil {
		return "", "", fmt.Errorf("import %s: %w", o.Safetensors, err)
	}
	if err := LoadStateDict(m, ps, f); err != nil {
		return "", "", fmt.Errorf("import %s: %w", o.Safetensors, err)
	}
	yml, err := cfg.Marshal()
	if err != nil {
		return "", "", fmt.Errorf("import %s: %w", o.Safetensors, err)
	}
	params := Tensors(ps)
	st := &checkpoint.State{Config: yml, Params: params, SrcVocab: src.Tokens(), TgtVocab: tgt.Tokens()}
	if st.SrcTokenizer, st.TgtTokenizer, err = tokenizerFiles(o.Safetensors, cfg); err != nil {
		return "", "", fmt.Errorf("import %s: %w", o.Safetensors, err)
	}
	path, err = checkpoint.Save(o.Out, st, 0, true)
	if err != nil {
		return "", "", fmt.Errorf("import %s: %w", o.Safetensors, err)
	}
	return path, checkpoint.WeightsSHA256(params), nil
}

// vocabularies loads the source and target vocabularies named by o.
func vocabularies(o ImportOptions) (src, tgt *data.Vocab, err error) {
	srcPath, tgtPath := VocabPaths(o.Safetensors)
	if o.SrcVocab != "" {
		srcPath = o.SrcVocab
	}
	if o.TgtVocab != "" {
		tgtPath = o.TgtVocab
	}
	if src, err = data.LoadVocab(srcPath); err != nil {
		return nil, nil, fmt.Errorf("source %w", err)
	}
	if tgt, err = data.LoadVocab(tgtPath); err != nil {
		return nil, nil, fmt.Errorf("target %w", err)
	}
	return src, tgt, nil
}

// Tensors copies the registry's float32 values as checkpoint tensors in
// registry order.
func Tensors(ps *graph.Params) []checkpoint.Tensor {
	out := make([]checkpoint.Tensor, 0, len(ps.List()))
	for _, p := range ps.List() {
		out = append(out, checkpoint.Tensor{Name: p.Name, Shape: append([]int(nil), p.Shape()...), Data: append([]float32(nil), p.Value.Float32s()...)})
	}
	return out
}

// requireFloat32 refuses registries of another dtype.
func requireFloat32(ps *graph.Params) error {
	if ps.Dtype != tensor.Float32 {
		return fmt.Errorf("parameters are %v, want float32", ps.Dtype)
	}
	return nil
}
