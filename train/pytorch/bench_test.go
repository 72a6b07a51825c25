package pytorch

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/seq2seq/transformer/train"
)

// BenchmarkExport10k and BenchmarkImport10k time export and import of
// configs/tiny.yaml's model (d_model 64, 2+2 layers, d_ff 256, untied)
// with 10,000-token source and target vocabularies.
func BenchmarkExport10k(b *testing.B) {
	l := benchModel(b)
	dir := b.TempDir()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Export(l, filepath.Join(dir, "model.safetensors"), nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkImport10k(b *testing.B) {
	l := benchModel(b)
	dir := b.TempDir()
	file := filepath.Join(dir, "model.safetensors")
	if _, err := Export(l, file, nil); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, _, err := Import(ImportOptions{Safetensors: file, Out: filepath.Join(dir, fmt.Sprint("run", i))}); err != nil {
			b.Fatal(err)
		}
	}
}

// benchModel is the tiny model with 10k vocabularies on both sides.
func benchModel(b *testing.B) *train.Loaded {
	cfg, err := train.LoadConfig(filepath.Join("..", "..", "configs", "tiny.yaml"))
	if err != nil {
		b.Fatal(err)
	}
	if err := cfg.Override("model.tie_embeddings=false"); err != nil {
		b.Fatal(err)
	}
	l := fixedModel(b, cfg, 10000, 10000, 1)
	b.Logf("%d parameters", l.Params.Count())
	return l
}
