package train

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/seq2seq/transformer/align"
	"github.com/seq2seq/transformer/data"
)

func TestGuidedAlignmentConfigErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		set  GuidedAlignmentConfig
		key  string // "" = valid
	}{
		{"off", GuidedAlignmentConfig{Layer: -1}, ""},
		{"last layer", GuidedAlignmentConfig{Weight: 0.3, Layer: -1, Head: 1}, ""},
		{"first layer", GuidedAlignmentConfig{Weight: 0.3, Layer: 0}, ""},
		{"negative weight", GuidedAlignmentConfig{Weight: -0.1, Layer: -1}, "train.guided_alignment.weight"},
		{"layer past the decoder", GuidedAlignmentConfig{Weight: 1, Layer: 1}, "train.guided_alignment.layer"},
		{"layer below -1", GuidedAlignmentConfig{Weight: 1, Layer: -2}, "train.guided_alignment.layer"},
		{"head past the heads", GuidedAlignmentConfig{Weight: 1, Layer: -1, Head: 2}, "train.guided_alignment.head"},
		{"negative head", GuidedAlignmentConfig{Weight: 1, Layer: -1, Head: -1}, "train.guided_alignment.head"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := microConfig(t, t.TempDir()) // 1 decoder layer, 2 heads
			cfg.Train.GuidedAlignment = tc.set
			err := cfg.Validate()
			switch {
			case tc.key == "" && err != nil:
				t.Errorf("Validate() = %v, want nil", err)
			case tc.key != "" && (err == nil || !strings.Contains(err.Error(), tc.key)):
				t.Errorf("Validate() = %v, want an error naming %s", err, tc.key)
			}
		})
	}
}

// TestGuidedAlignmentConfigFromYAML checks the keys' defaults and that a
// file sets them.
func TestGuidedAlignmentConfigFromYAML(t *testing.T) {
	if g := DefaultConfig().Train.GuidedAlignment; g.On() || g.Layer != -1 || g.Head != 0 {
		t.Errorf("default guided_alignment %+v, want weight 0, layer -1, head 0", g)
	}
	src := "name: a\nseed: 1\ndata: {}\nmodel: {}\ntrain:\n  guided_alignment: {weight: 0.25, layer: 1, head: 3}\n"
	cfg, err := ParseConfig([]byte(src), "g.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if g := cfg.Train.GuidedAlignment; g != (GuidedAlignmentConfig{Weight: 0.25, Layer: 1, Head: 3}) {
		t.Errorf("guided_alignment %+v, want weight 0.25, layer 1, head 3", g)
	}
	_, err = ParseConfig([]byte(strings.Replace(src, "head: 3", "head: 4", 1)), "g.yaml")
	if err == nil || !strings.Contains(err.Error(), "g.yaml: line 6: train.guided_alignment.head") {
		t.Errorf("head 4 of 4: error %v, want one naming the file, line 6 and the key", err)
	}
}

// guidedMicro is the micro config with guided alignment on its only
// decoder layer's head 1.
func guidedMicro(t *testing.T, dir string, workers int) *Config {
	cfg := microConfig(t, dir)
	cfg.Train.GuidedAlignment = GuidedAlignmentConfig{Weight: 0.5, Layer: -1, Head: 1}
	cfg.Train.Workers = workers
	return cfg
}

// readGuided returns metrics.jsonl's guided_loss by step (steps without
// one are left out).
func readGuided(t *testing.T, runDir string) map[int]float64 {
	t.Helper()
	out := map[int]float64{}
	for _, r := range readRecords(t, runDir) {
		if r.GuidedLoss != nil {
			out[r.Step] = *r.GuidedLoss
		}
	}
	return out
}

// TestGuidedRunResumesExactly trains micro with guided alignment on one
// and on two workers: the guided term is logged at every step and changes
// the weights, a run stopped at step 10 and resumed ends with the weights
// and losses of an uninterrupted one, and weight 0 is the plain run.
func TestGuidedRunResumesExactly(t *testing.T) {
	if testing.Short() {
		t.Skip("training runs skipped in -short mode")
	}
	dir := t.TempDir()
	plain := runMicro(t, microConfig(t, dir+"/plain"), Options{})
	off := microConfig(t, dir+"/off")
	off.Train.GuidedAlignment = GuidedAlignmentConfig{Weight: 0, Layer: 0, Head: 1}
	if got := runMicro(t, off, Options{}); got.WeightsHash != plain.WeightsHash {
		t.Errorf("weight 0: weights %s, want the plain run's %s", got.WeightsHash, plain.WeightsHash)
	}
	if g := readGuided(t, plain.RunDir); len(g) != 0 {
		t.Errorf("plain run logged guided_loss at %d steps", len(g))
	}
	for _, workers := range []int{1, 2} {
		t.Run(map[int]string{1: "one worker", 2: "two workers"}[workers], func(t *testing.T) {
			sub := filepath.Join(dir, map[int]string{1: "w1", 2: "w2"}[workers])
			var stdout strings.Builder
			straight := runMicro(t, guidedMicro(t, sub+"/a", workers), Options{Stdout: &stdout})
			if !strings.Contains(stdout.String(), "step 5 loss ") || !strings.Contains(stdout.String(), " guided ") {
				t.Errorf("the log lines do not show the guided term:\n%s", stdout.String())
			}
			if straight.WeightsHash == plain.WeightsHash {
				t.Errorf("guided run ended with the plain run's weights")
			}
			guided := readGuided(t, straight.RunDir)
			if len(guided) != 20 {
				t.Fatalf("guided_loss logged at %d steps, want 20", len(guided))
			}
			for step, g := range guided {
				if !(g > 0 && g < 20) {
					t.Errorf("step %d: guided_loss %v, want in (0, 20)", step, g)
				}
			}
			first := runMicro(t, guidedMicro(t, sub+"/b", workers), Options{Steps: 10})
			if first.Step != 10 {
				t.Fatalf("first leg ended at step %d, want 10", first.Step)
			}
			res := runMicro(t, guidedMicro(t, sub+"/b", workers), Options{Resume: true})
			if res.WeightsHash != straight.WeightsHash {
				t.Errorf("weights after resume %s, want %s", res.WeightsHash, straight.WeightsHash)
			}
			sameLosses(t, readLosses(t, res.RunDir), readLosses(t, straight.RunDir))
		})
	}
}

// TestGuidedNeedsTrainAlign checks the errors when the training split's
// gold alignments are missing or do not fit the corpus: each names the
// key, the file and, for a bad line, the line.
func TestGuidedNeedsTrainAlign(t *testing.T) {
	for _, tc := range []struct {
		name  string
		edit  func(lines []string) []string // nil: remove the file
		wants []string
	}{
		{"missing", nil, []string{"train.guided_alignment", "train.align"}},
		{"index outside", func(l []string) []string { l[2] = "0-0 99-1"; return l }, []string{"train.guided_alignment", "train.align", "line 3"}},
		{"malformed", func(l []string) []string { l[4] = "0-0 1_1"; return l }, []string{"train.align", "line 5"}},
		{"line short", func(l []string) []string { return l[:len(l)-1] }, []string{"train.align", "lines"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := guidedMicro(t, t.TempDir(), 1)
			if err := EnsureData(cfg, io.Discard); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(cfg.Data.Dir, "train.align")
			if tc.edit == nil {
				os.Remove(path)
			} else {
				b, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				lines := tc.edit(strings.Split(strings.TrimSuffix(string(b), "\n"), "\n"))
				os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644)
			}
			cfg.Data.Toy = false // a toy corpus would get its alignments back
			_, err := Run(context.Background(), cfg, Options{})
			for _, want := range tc.wants {
				if err == nil || !strings.Contains(err.Error(), want) {
					t.Errorf("error %v, want one containing %q", err, want)
				}
			}
		})
	}
}

// TestGuidedLinksFollowFilteredPairs checks that the gold links stay with
// their pairs when data.max_len drops some: every kept training pair
// carries the links of the line it was read from.
func TestGuidedLinksFollowFilteredPairs(t *testing.T) {
	cfg := guidedMicro(t, t.TempDir(), 1)
	cfg.Data.MaxLen = 8
	c, pairs, links := corpusWithGold(t, cfg)
	if len(c.Train) == len(pairs) || len(c.Train) == 0 {
		t.Fatalf("%d of %d pairs kept: the test needs some dropped", len(c.Train), len(pairs))
	}
	gold := map[string][]string{} // "src ||| tgt" ids -> the Pharaoh lines of pairs with that text
	key := func(src, tgt []int) string { return fmt.Sprint(src, "|||", tgt) }
	for i, p := range pairs {
		k := key(c.Src.Encode(p.Src), c.Tgt.Encode(p.Tgt))
		gold[k] = append(gold[k], align.FormatLine(links[i]))
	}
	for i, p := range c.Train {
		got := align.FormatLine(p.Links)
		if !slices.Contains(gold[key(p.Src, p.Tgt)], got) {
			t.Fatalf("kept pair %d carries links %q, its line has %q", i, got, gold[key(p.Src, p.Tgt)])
		}
	}
}

// TestGuidedConfigIsTinyPlusGuidance checks that configs/guided.yaml is
// configs/tiny.yaml with only the name and guided alignment changed, so
// that the README's comparison of the two runs holds.
func TestGuidedConfigIsTinyPlusGuidance(t *testing.T) {
	tiny, err := LoadConfig(filepath.Join("..", "configs", "tiny.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	guided, err := LoadConfig(filepath.Join("..", "configs", "guided.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if !guided.Train.GuidedAlignment.On() || guided.Name == tiny.Name {
		t.Fatalf("guided.yaml: name %q, guided_alignment %+v; want its own name and guidance on", guided.Name, guided.Train.GuidedAlignment)
	}
	guided.Name, guided.Train.GuidedAlignment = tiny.Name, tiny.Train.GuidedAlignment
	if *guided != *tiny {
		t.Errorf("guided.yaml differs from tiny.yaml beyond name and guided_alignment:\n%+v\n%+v", guided, tiny)
	}
}

// corpusWithGold loads cfg's corpus (generating the toy data) and returns
// it with the training split's word pairs and their gold links as read
// from the files.
func corpusWithGold(t *testing.T, cfg *Config) (*Corpus, []data.Pair, [][]align.Link) {
	t.Helper()
	if err := EnsureData(cfg, io.Discard); err != nil {
		t.Fatal(err)
	}
	c, err := LoadCorpus(cfg, nil, nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	pairs, err := data.ReadSplit(cfg.Data.Dir, "train", cfg.Data.Src, cfg.Data.Tgt)
	if err != nil {
		t.Fatal(err)
	}
	links, err := data.ReadAlignSplit(cfg.Data.Dir, "train", pairs)
	if err != nil {
		t.Fatal(err)
	}
	return c, pairs, links
}
