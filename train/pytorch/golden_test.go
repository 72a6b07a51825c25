package pytorch

import (
	"encoding/json"
	"flag"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/seq2seq/transformer/safetensors"
	"github.com/seq2seq/transformer/train"
	"github.com/seq2seq/transformer/train/infer"
)

var update = flag.Bool("update", false, "rewrite testdata/fixed.safetensors and its vocabularies")

// goldenTolerance is the largest absolute difference allowed between our
// float32 logits and PyTorch's.
const goldenTolerance = 1e-4

// goldenLogits is what testdata/torch_golden.py writes.
type goldenLogits struct {
	Torch     string `json:"torch"`
	Sentences []struct {
		Src    []int       `json:"src"`
		TgtIn  []int       `json:"tgt_in"`
		Logits [][]float64 `json:"logits"`
	} `json:"sentences"`
	Greedy [][]int `json:"greedy"`
}

// fixedConfig is the config of testdata/fixed.safetensors.
func fixedConfig(t testing.TB) *train.Config {
	return microConfig(t, "model.encoder_layers=2", "model.decoder_layers=2")
}

// TestGoldenFixed imports testdata/fixed.safetensors (a model exported by
// this package, see torch_golden.py) and compares our logits with
// PyTorch's for the same padded batch. With -update it first rewrites the
// file, after which torch_golden.py must be run again.
func TestGoldenFixed(t *testing.T) {
	file := filepath.Join("testdata", "fixed.safetensors")
	if *update {
		if _, err := Export(fixedModel(t, fixedConfig(t), 11, 13, 5), file, nil); err != nil {
			t.Fatal(err)
		}
	}
	l := importTestdata(t, file, nil)
	compareGolden(t, l, filepath.Join("testdata", "fixed_logits.json"))
	// The import exports back to the committed tensors bit for bit and to
	// the same model metadata (the config YAML in the metadata follows the
	// config keys of the day, so it is not compared).
	again := filepath.Join(t.TempDir(), "again.safetensors")
	if _, err := Export(l, again, nil); err != nil {
		t.Fatal(err)
	}
	a, err := safetensors.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	b, err := safetensors.ReadFile(again)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a.Tensors, b.Tensors) {
		t.Errorf("tensors of the export of the imported %s differ from it", file)
	}
	if a.Metadata[MetaModel] != b.Metadata[MetaModel] {
		t.Errorf("model metadata of the export of the imported %s = %s, want %s", file, b.Metadata[MetaModel], a.Metadata[MetaModel])
	}
}

// TestGoldenTorchInit imports a model initialised and saved by PyTorch
// (untied, 4 heads, 2+1 layers) and requires PyTorch's logits and its
// greedy translations.
func TestGoldenTorchInit(t *testing.T) {
	cfg, err := train.LoadConfig(filepath.Join("testdata", "torch_init.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	l := importTestdata(t, filepath.Join("testdata", "torch_init.safetensors"), cfg)
	want := compareGolden(t, l, filepath.Join("testdata", "torch_init_logits.json"))
	var srcs [][]int
	for _, s := range want.Sentences {
		srcs = append(srcs, s.Src)
	}
	got, err := l.Translator().Greedy(srcs)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want.Greedy) {
		t.Errorf("greedy translations %v, PyTorch's %v", got, want.Greedy)
	}
}

// importTestdata imports file into a temporary run directory and loads it.
func importTestdata(t *testing.T, file string, cfg *train.Config) *train.Loaded {
	t.Helper()
	path, _, err := Import(ImportOptions{Safetensors: file, Config: cfg, Out: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	l, err := train.LoadModel(path)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// compareGolden runs each golden sentence through our float32 inference
// engine, feeding the target one token at a time, and compares every logit.
func compareGolden(t *testing.T, l *train.Loaded, path string) *goldenLogits {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var want goldenLogits
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if len(want.Sentences) == 0 {
		t.Fatalf("%s has no sentences", path)
	}
	m, err := infer.New[float32](l.Model, l.Params)
	if err != nil {
		t.Fatal(err)
	}
	worst := 0.0
	for i, s := range want.Sentences {
		mem, err := m.Encode([][]int{s.Src})
		if err != nil {
			t.Fatal(err)
		}
		st := mem.Start()
		for pos, tok := range s.TgtIn {
			got, err := st.Logits([]int{tok})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(s.Logits[pos]) {
				t.Fatalf("sentence %d position %d: %d logits, PyTorch %d", i, pos, len(got), len(s.Logits[pos]))
			}
			for v, x := range got {
				d := math.Abs(float64(x) - s.Logits[pos][v])
				if !(d <= goldenTolerance) {
					t.Errorf("sentence %d position %d token %d: logit %v, PyTorch %v", i, pos, v, x, s.Logits[pos][v])
				}
				worst = max(worst, d)
			}
		}
	}
	t.Logf("%s: largest difference from PyTorch %s: %.3g", path, want.Torch, worst)
	return &want
}
