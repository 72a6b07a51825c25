package train

import (
	"context"
	"os"
	"strings"
	"testing"
)

// TestResumeWarnsAboutChanges trains 10 steps, then changes the corpus
// (one validation pair repeated: same vocabulary, other bytes) and train.lr:
// the resume warns about both, naming the YAML key, and a changed model
// section is refused naming model.d_ff.
func TestResumeWarnsAboutChanges(t *testing.T) {
	if testing.Short() {
		t.Skip("training runs skipped in -short mode")
	}
	dir := t.TempDir()
	runMicro(t, microConfig(t, dir), Options{Steps: 10})
	cfg := microConfig(t, dir)
	for _, ext := range []string{cfg.Data.Src, cfg.Data.Tgt} {
		path := cfg.Data.Path("valid", ext)
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		first, _, _ := strings.Cut(string(b), "\n")
		if err := os.WriteFile(path, append(b, first+"\n"...), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cfg.Train.LR = 0.002
	var log strings.Builder
	if _, err := Run(context.Background(), cfg, Options{Resume: true, Steps: 11, Log: &log}); err != nil {
		t.Fatalf("resume: %v\n%s", err, log.String())
	}
	for _, want := range []string{"data files in", "changed since", "train.lr 0.001 -> 0.002"} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("resume log does not say %q:\n%s", want, log.String())
		}
	}
	if strings.Contains(log.String(), "train.steps") {
		t.Errorf("resume log warns about train.steps, which --steps changes by design:\n%s", log.String())
	}

	cfg = microConfig(t, dir)
	cfg.Model.DFF = 64
	_, err := Run(context.Background(), cfg, Options{Resume: true})
	if err == nil || !strings.Contains(err.Error(), "model.d_ff 32 -> 64") {
		t.Errorf("resume with d_ff changed: error %v, want one naming model.d_ff 32 -> 64", err)
	}
}

// TestToyChangeWarns generates the micro toy corpus, then asks for other
// toy sizes and seed: the corpus is kept and the changed keys are named.
func TestToyChangeWarns(t *testing.T) {
	dir := t.TempDir()
	cfg := microConfig(t, dir)
	var log strings.Builder
	if err := EnsureData(cfg, &log); err != nil {
		t.Fatal(err)
	}
	log.Reset()
	if err := EnsureData(cfg, &log); err != nil || log.Len() != 0 {
		t.Fatalf("unchanged toy settings: %v, log %q; want silence", err, log.String())
	}
	cfg.Seed, cfg.Data.ToyTrain = 7, 500
	if err := EnsureData(cfg, &log); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"seed 1 -> 7", "data.toy_train 300 -> 500", "used as it is"} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("log %q does not say %q", log.String(), want)
		}
	}
}
