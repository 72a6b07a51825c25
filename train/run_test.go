package train

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// microConfig loads configs/micro.yaml with its data and output redirected
// into dir.
func microConfig(t *testing.T, dir string) *Config {
	t.Helper()
	cfg, err := LoadConfig(filepath.Join("..", "configs", "micro.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	cfg.Data.Dir = filepath.Join(dir, "data")
	cfg.Out = filepath.Join(dir, "out")
	return cfg
}

// readLosses returns metrics.jsonl's loss by step.
func readLosses(t *testing.T, runDir string) map[int]float64 {
	t.Helper()
	out := map[int]float64{}
	for _, r := range readRecords(t, runDir) {
		if _, dup := out[r.Step]; dup {
			t.Fatalf("metrics has step %d twice", r.Step)
		}
		out[r.Step] = r.Loss
	}
	return out
}

func runMicro(t *testing.T, cfg *Config, opt Options) *Result {
	t.Helper()
	var log strings.Builder
	opt.Log = &log
	res, err := Run(context.Background(), cfg, opt)
	if err != nil {
		t.Fatalf("run: %v\nlog:\n%s", err, log.String())
	}
	return res
}

func sameLosses(t *testing.T, got, want map[int]float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("metrics has %d steps, want %d", len(got), len(want))
	}
	for step, w := range want {
		if g, ok := got[step]; !ok || g != w {
			t.Errorf("step %d: loss %v, want %v", step, g, w)
		}
	}
}

func TestResumeGivesIdenticalRun(t *testing.T) {
	if testing.Short() {
		t.Skip("training runs skipped in -short mode")
	}
	dir := t.TempDir()
	straight := runMicro(t, microConfig(t, dir+"/a"), Options{})
	if straight.Step != 20 || straight.TestBLEU == nil {
		t.Fatalf("straight run ended at step %d (BLEU %v), want 20 with a test BLEU", straight.Step, straight.TestBLEU)
	}
	want := readLosses(t, straight.RunDir)

	t.Run("stop at --steps then resume", func(t *testing.T) {
		cfg := microConfig(t, dir+"/b")
		first := runMicro(t, cfg, Options{Steps: 10})
		if first.Step != 10 {
			t.Fatalf("first leg ended at step %d, want 10", first.Step)
		}
		res := runMicro(t, microConfig(t, dir+"/b"), Options{Resume: true})
		if res.WeightsHash != straight.WeightsHash {
			t.Errorf("weights after resume %s, want %s", res.WeightsHash, straight.WeightsHash)
		}
		sameLosses(t, readLosses(t, res.RunDir), want)
	})

	t.Run("interrupt mid-run then resume", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		cfg := microConfig(t, dir+"/c")
		res, err := Run(ctx, cfg, Options{OnStep: func(step int) {
			if step == 7 {
				cancel() // as SIGINT does: the loop saves at step 7 and stops
			}
		}})
		if err != nil {
			t.Fatal(err)
		}
		if !res.Interrupted || res.Step != 7 {
			t.Fatalf("interrupted run: %+v, want interrupted at step 7", res)
		}
		res = runMicro(t, microConfig(t, dir+"/c"), Options{Resume: true})
		if res.WeightsHash != straight.WeightsHash {
			t.Errorf("weights after resume %s, want %s", res.WeightsHash, straight.WeightsHash)
		}
		sameLosses(t, readLosses(t, res.RunDir), want)
	})
}

func TestResumeRejectsDifferentModel(t *testing.T) {
	if testing.Short() {
		t.Skip("training runs skipped in -short mode")
	}
	dir := t.TempDir()
	runMicro(t, microConfig(t, dir), Options{Steps: 10})
	cfg := microConfig(t, dir)
	cfg.Model.DFF = 64
	_, err := Run(context.Background(), cfg, Options{Resume: true})
	if err == nil || !strings.Contains(err.Error(), "model") {
		t.Fatalf("resume with d_ff changed: error %v, want a model-shape error", err)
	}
}

func TestSameSeedSameRun(t *testing.T) {
	if testing.Short() {
		t.Skip("training runs skipped in -short mode")
	}
	dir := t.TempDir()
	a := runMicro(t, microConfig(t, dir+"/a"), Options{Steps: 6})
	b := runMicro(t, microConfig(t, dir+"/b"), Options{Steps: 6})
	if a.WeightsHash != b.WeightsHash {
		t.Errorf("two runs with one seed: weights %s and %s", a.WeightsHash, b.WeightsHash)
	}
	sameLosses(t, readLosses(t, b.RunDir), readLosses(t, a.RunDir))
}

// TestResumeWorkers checks exact resume with two and three workers, whose
// workers after the first draw dropout masks from generators split off the
// run's each step.
func TestResumeWorkers(t *testing.T) {
	if testing.Short() {
		t.Skip("training runs skipped in -short mode")
	}
	for _, workers := range []int{2, 3} {
		dir := t.TempDir()
		cfg := func(sub string) *Config {
			c := microConfig(t, dir+"/"+sub)
			c.Train.Workers = workers
			return c
		}
		straight := runMicro(t, cfg("a"), Options{})
		first := runMicro(t, cfg("b"), Options{Steps: 10})
		if first.Step != 10 {
			t.Fatalf("%d workers: first leg ended at step %d, want 10", workers, first.Step)
		}
		res := runMicro(t, cfg("b"), Options{Resume: true})
		if res.WeightsHash != straight.WeightsHash {
			t.Errorf("%d workers: weights after resume %s, want %s", workers, res.WeightsHash, straight.WeightsHash)
		}
		sameLosses(t, readLosses(t, res.RunDir), readLosses(t, straight.RunDir))
	}
}
