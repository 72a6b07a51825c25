package train

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"golang.org/x/sys/cpu"

	"github.com/seq2seq/transformer/data"
	"github.com/seq2seq/transformer/train/checkpoint"
)

// microWordsHash is the weights_sha256 of configs/micro.yaml's 20 steps
// before tokenizers existed (main at 5112727: `train --config micro.yaml`,
// then `train inspect`; 2fb59f53... before that commit built the
// vocabulary from the pairs that pass data.max_len only). The words path
// must keep it bit for bit.
const microWordsHash = "2bfc5ce79dba7526488279b44a2db2593be109e564c4a04e3150ff483cc7fda3"

// TestWordsRunUnchanged checks that the default tokenizer trains exactly
// as before. The hash was taken with the AVX2+FMA matrix kernel; other
// CPUs round differently and skip.
func TestWordsRunUnchanged(t *testing.T) {
	if testing.Short() {
		t.Skip("training runs skipped in -short mode")
	}
	if runtime.GOARCH != "amd64" || !cpu.X86.HasAVX2 || !cpu.X86.HasFMA {
		t.Skip("golden hash taken with the AVX2+FMA kernel")
	}
	cfg := microConfig(t, t.TempDir())
	res := runMicro(t, cfg, Options{})
	if res.WeightsHash != microWordsHash {
		t.Errorf("micro.yaml weights sha256 = %s, want %s (the words path changed)", res.WeightsHash, microWordsHash)
	}
	if _, err := os.Stat(filepath.Join(res.RunDir, "src.tokenizer")); !os.IsNotExist(err) {
		t.Errorf("a words run wrote src.tokenizer (stat: %v), want none", err)
	}
}

// rawMicroConfig is micro.yaml on the raw toy corpus with tokenizer kind.
func rawMicroConfig(t *testing.T, dir, kind string) *Config {
	cfg := microConfig(t, dir)
	cfg.Data.Raw, cfg.Data.Tokenizer = true, kind
	cfg.Data.VocabSize = 200
	cfg.Data.MaxLen = 48
	cfg.Train.Steps = 6
	cfg.Train.EvalEvery, cfg.Train.SaveEvery = 3, 3
	switch kind {
	case "chars":
		cfg.Data.MaxLen = 160
		cfg.Model.MaxPositions = 168
	case "sentencepiece":
		spm, err := filepath.Abs(filepath.Join("..", "data", "tokenize", "testdata", "spm_bpe.model"))
		if err != nil {
			t.Fatal(err)
		}
		cfg.Data.SPMModel = spm
	}
	return cfg
}

// TestRawTokenizerRuns trains micro on raw text with each tokenizer but
// words and checks the whole path: the checkpoint holds the tokenizer,
// inspect names it, the references are the raw lines, and the loaded
// model reads raw text and writes text without ▁.
func TestRawTokenizerRuns(t *testing.T) {
	if testing.Short() {
		t.Skip("training runs skipped in -short mode")
	}
	for _, kind := range []string{"bpe", "chars", "sentencepiece"} {
		t.Run(kind, func(t *testing.T) {
			dir := t.TempDir()
			cfg := rawMicroConfig(t, dir, kind)
			res := runMicro(t, cfg, Options{})
			info, err := checkpoint.Inspect(res.RunDir)
			if err != nil {
				t.Fatal(err)
			}
			if info.Tokenizer != kind || info.SrcTokenizerSHA256 == "" {
				t.Errorf("inspect: tokenizer %q sha256 %q, want %s and a digest", info.Tokenizer, info.SrcTokenizerSHA256, kind)
			}
			if _, err := os.Stat(filepath.Join(res.RunDir, "tgt.tokenizer")); err != nil {
				t.Errorf("run directory has no tgt.tokenizer: %v", err)
			}
			metrics, err := os.ReadFile(filepath.Join(res.RunDir, "metrics.jsonl"))
			if err != nil || !strings.Contains(string(metrics), `"valid_chrf":`) {
				t.Errorf("metrics.jsonl has no valid_chrf (%v):\n%s", err, metrics)
			}
			l, err := LoadModel(res.RunDir)
			if err != nil {
				t.Fatal(err)
			}
			if string(l.Tok.Kind()) != kind {
				t.Fatalf("loaded tokenizer %s, want %s", l.Tok.Kind(), kind)
			}
			c, err := LoadCorpusWith(cfg, l.Tok, l.Src, l.Tgt, &strings.Builder{})
			if err != nil {
				t.Fatal(err)
			}
			raw, err := os.ReadFile(cfg.Data.Path("test", cfg.Data.Tgt))
			if err != nil {
				t.Fatal(err)
			}
			if first, _, _ := strings.Cut(string(raw), "\n"); c.TestRefs[0] != first {
				t.Errorf("test reference 0 = %q, want the raw line %q", c.TestRefs[0], first)
			}
			src := l.Src.Encode(l.Tok.EncodeSource("Anna, the dog sees the cat in 1987."))
			hyps, err := DecodeText(l.Translator(), l.Tgt, l.Tok, [][]int{src}, 1, 1, LengthPenalty{})
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(hyps[0], "▁") || strings.Contains(hyps[0], "<0x") {
				t.Errorf("translation %q holds pieces, want detokenized text", hyps[0])
			}
		})
	}
}

// TestBPEVocabularyHasBytes checks that a bpe vocabulary holds every byte
// piece, so a character never seen in training is not <unk>.
func TestBPEVocabularyHasBytes(t *testing.T) {
	dir := t.TempDir()
	cfg := rawMicroConfig(t, dir, "bpe")
	if err := EnsureData(cfg, &strings.Builder{}); err != nil {
		t.Fatal(err)
	}
	c, err := LoadCorpus(cfg, nil, nil, &strings.Builder{})
	if err != nil {
		t.Fatal(err)
	}
	ids := c.Src.Encode(c.Tok.EncodeSource("Ωmega 東京"))
	for i, id := range ids {
		if id == data.UnkID {
			t.Errorf("piece %d of an unseen word is <unk>, want byte pieces (ids %v)", i, ids)
		}
	}
	if got := c.Tok.Detokenize(c.Tgt.Decode(c.Tgt.Encode(c.Tok.Tgt.Encode("Ωmega 東京")))); got != "Ωmega 東京" {
		t.Errorf("round trip of unseen characters = %q, want %q", got, "Ωmega 東京")
	}
}

// TestResumeRejectsOtherTokenizer checks that resuming with another
// tokenizer kind or another bpe size is an error naming data.tokenizer,
// that resuming with the same one works, and that a damaged tokenizer
// file in a checkpoint is a clear error.
func TestResumeRejectsOtherTokenizer(t *testing.T) {
	if testing.Short() {
		t.Skip("training runs skipped in -short mode")
	}
	dir := t.TempDir()
	res := runMicro(t, rawMicroConfig(t, dir, "bpe"), Options{Steps: 3})
	for name, change := range map[string]func(*Config){
		"kind": func(c *Config) { c.Data.Tokenizer = "chars" },
		"size": func(c *Config) { c.Data.VocabSize = 150 },
	} {
		cfg := rawMicroConfig(t, dir, "bpe")
		change(cfg)
		_, err := Run(context.Background(), cfg, Options{Resume: true})
		if err == nil || !strings.Contains(err.Error(), "data.tokenizer") {
			t.Errorf("resume with another tokenizer %s: error %v, want one naming data.tokenizer", name, err)
		}
	}
	runMicro(t, rawMicroConfig(t, dir, "bpe"), Options{Resume: true, Steps: 6})

	step := filepath.Join(res.RunDir, checkpoint.StepDirName(6))
	path := filepath.Join(step, "src.tokenizer")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 1
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadModel(step); err == nil || !strings.Contains(err.Error(), "src.tokenizer is corrupt") {
		t.Errorf("LoadModel with a damaged tokenizer: error %v, want one naming src.tokenizer as corrupt", err)
	}
}
