package train

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
	f, err := os.Open(filepath.Join(runDir, "metrics.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[int]float64{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var r Record
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("metrics line %q: %v", sc.Text(), err)
		}
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
			straight := runMicro(t, guidedMicro(t, sub+"/a", workers), Options{})
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

// TestGuidedNeedsTrainAlign checks the error when the training split has
// no gold alignments.
func TestGuidedNeedsTrainAlign(t *testing.T) {
	cfg := guidedMicro(t, t.TempDir(), 1)
	if err := EnsureData(cfg, io.Discard); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(cfg.Data.Dir, "train.align")); err != nil {
		t.Fatal(err)
	}
	cfg.Data.Toy = false // a toy corpus would get its alignments back
	_, err := Run(context.Background(), cfg, Options{})
	if err == nil || !strings.Contains(err.Error(), "train.guided_alignment") || !strings.Contains(err.Error(), "train.align") {
		t.Fatalf("run without train.align: error %v, want one naming train.guided_alignment and train.align", err)
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
