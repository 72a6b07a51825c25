package train

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/seq2seq/transformer/data"
	"github.com/seq2seq/transformer/train/checkpoint"
)

func TestRecordJSONNonFinite(t *testing.T) {
	vl, inf := 2.5, math.Inf(1)
	finite := Record{Step: 3, Loss: 6.25, LR: 1e-3, TokensPerS: 100, GradNorm: 0.5, ValidLoss: &vl}
	got, err := json.Marshal(finite)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := json.Marshal(plainRecord(finite))
	if !bytes.Equal(got, want) {
		t.Errorf("json.Marshal(finite record) = %s, want %s (plain encoding)", got, want)
	}
	for _, r := range []Record{
		finite,
		{Step: 4, Loss: math.NaN(), LR: 1e-3, Skipped: true},
		{Step: 5, Loss: math.Inf(-1), GradNorm: math.Inf(1), ValidLoss: &inf, Skipped: true},
		{Step: 6, Loss: 1, ValidChrF: &inf},
	} {
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatalf("json.Marshal(%+v): %v", r, err)
		}
		var back Record
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("json.Unmarshal(%s): %v", b, err)
		}
		again, _ := json.Marshal(back)
		if (back.ValidChrF == nil) != (r.ValidChrF == nil) || back.ValidChrF != nil && *back.ValidChrF != *r.ValidChrF {
			t.Errorf("record %+v encodes as %s and decodes valid_chrf %v", r, b, back.ValidChrF)
		}
		if !bytes.Equal(again, b) || back.Step != r.Step || back.Skipped != r.Skipped ||
			math.Float64bits(back.Loss) != math.Float64bits(r.Loss) && !(math.IsNaN(back.Loss) && math.IsNaN(r.Loss)) {
			t.Errorf("record %+v encodes as %s and decodes to %+v", r, b, back)
		}
	}
	for _, bad := range []string{`{"step":1,"loss":"6.5"}`, `{"step":1,"loss":"nope"}`, `{"step":1,"loss":true}`} {
		var r Record
		if err := json.Unmarshal([]byte(bad), &r); err == nil {
			t.Errorf("json.Unmarshal(%s) = %+v, want an error", bad, r)
		}
	}

	// A resume keeps skipped records with their NaN loss.
	path := filepath.Join(t.TempDir(), "metrics.jsonl")
	m, err := openMetrics(path, 0)
	if err != nil {
		t.Fatal(err)
	}
	for step := 1; step <= 3; step++ {
		if err := m.write(Record{Step: step, Loss: math.NaN(), Skipped: true}); err != nil {
			t.Fatalf("write a skipped record: %v", err)
		}
	}
	if err := m.close(); err != nil {
		t.Fatal(err)
	}
	m, err = openMetrics(path, 2)
	if err != nil {
		t.Fatalf("reopen metrics with NaN records: %v", err)
	}
	m.close()
	b, _ := os.ReadFile(path)
	if n := strings.Count(string(b), `"loss":"NaN"`); n != 2 {
		t.Errorf("metrics after resuming at step 2:\n%s\nwant 2 records with loss \"NaN\"", b)
	}
}

// poisonSourceToken sets the source embedding of one token of the step-10
// checkpoint in runDir to NaN, so that the training batches holding that
// token have non-finite gradients, and re-saves it with valid checksums. It
// returns the token's id, one that about a tenth of the training pairs hold.
func poisonSourceToken(t *testing.T, cfg *Config, runDir string) int {
	t.Helper()
	dir := filepath.Join(runDir, checkpoint.StepDirName(10))
	st, err := checkpoint.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	corpus, err := LoadCorpus(cfg, nil, nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	pairs := map[int]int{}
	for _, e := range corpus.Train {
		seen := map[int]bool{}
		for _, id := range e.Src {
			if id >= 4 && !seen[id] {
				seen[id] = true
				pairs[id]++
			}
		}
	}
	target, token := len(corpus.Train)/10, -1
	for id, n := range pairs {
		if token < 0 || abs(n-target) < abs(pairs[token]-target) || abs(n-target) == abs(pairs[token]-target) && id < token {
			token = id
		}
	}
	for i, p := range st.Params {
		if p.Name == "src_embed.weight" {
			d := p.Shape[1]
			for j := token * d; j < (token+1)*d; j++ {
				st.Params[i].Data[j] = float32(math.NaN())
			}
		}
	}
	if _, err := checkpoint.Save(runDir, st, cfg.Train.KeepLast, false); err != nil {
		t.Fatal(err)
	}
	return token
}

func abs(x int) int { return max(x, -x) }

// skippedSteps returns the steps metrics.jsonl marks skipped, and its
// records with timing cleared.
func skippedSteps(t *testing.T, runDir string) (skipped []int, recs []string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(runDir, "metrics.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var r Record
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("metrics line %q: %v", line, err)
		}
		if r.Skipped {
			skipped = append(skipped, r.Step)
		}
		r.TokensPerS = 0
		j, _ := json.Marshal(r)
		recs = append(recs, string(j))
	}
	return skipped, recs
}

// TestNonfiniteSkipAndStop poisons one source token's embedding in a
// step-10 checkpoint and resumes it to step 20. With on_nonfinite: skip the
// run finishes, skipping the batches whose gradients are not finite,
// marking them in metrics.jsonl, counting them, and resuming exactly across
// them; with stop it fails at the first such step, naming it, and leaves
// the checkpoint alone.
func TestNonfiniteSkipAndStop(t *testing.T) {
	if testing.Short() {
		t.Skip("training runs skipped in -short mode")
	}
	dir := t.TempDir()
	base := microConfig(t, dir)
	runMicro(t, base, Options{Steps: 10})
	poisonSourceToken(t, microConfig(t, dir), base.RunDir())
	copyRun := func(name string) *Config {
		cfg := microConfig(t, dir)
		cfg.Out = filepath.Join(dir, name)
		if err := os.CopyFS(cfg.RunDir(), os.DirFS(base.RunDir())); err != nil {
			t.Fatal(err)
		}
		return cfg
	}
	stopCfg, splitCfg := copyRun("stop"), copyRun("split")

	skipCfg := microConfig(t, dir)
	skipCfg.Train.OnNonfinite = OnNonfiniteSkip
	var stdout strings.Builder
	res := runMicro(t, skipCfg, Options{Resume: true, Stdout: &stdout})
	skipped, recs := skippedSteps(t, res.RunDir)
	if len(skipped) == 0 || len(skipped) == 10 {
		t.Fatalf("steps %v of 11..20 skipped, want some but not all (the poisoned token is in some batches)", skipped)
	}
	if want := fmt.Sprintf("%d batches were skipped", len(skipped)); !strings.Contains(stdout.String(), want) {
		t.Errorf("stdout does not say %q:\n%s", want, stdout.String())
	}
	final, err := checkpoint.Load(res.RunDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range final.Params {
		for _, x := range p.Data {
			if math.IsNaN(float64(x)) && p.Name != "src_embed.weight" || math.IsInf(float64(x), 0) {
				t.Fatalf("after skipping, parameter %s holds %v", p.Name, x)
			}
		}
	}

	// Stopping at 15 and resuming gives the same run, skip count included.
	splitCfg.Train.OnNonfinite = OnNonfiniteSkip
	runMicro(t, splitCfg, Options{Resume: true, Steps: 15})
	splitCfg = microConfig(t, dir)
	splitCfg.Out, splitCfg.Train.OnNonfinite = filepath.Join(dir, "split"), OnNonfiniteSkip
	var splitOut strings.Builder
	split := runMicro(t, splitCfg, Options{Resume: true, Stdout: &splitOut})
	if split.WeightsHash != res.WeightsHash {
		t.Errorf("skip run split at step 15: weights %s, want %s", split.WeightsHash, res.WeightsHash)
	}
	if splitSkipped, splitRecs := skippedSteps(t, split.RunDir); fmt.Sprint(splitSkipped) != fmt.Sprint(skipped) {
		t.Errorf("skip run split at step 15: skipped steps %v, want %v", splitSkipped, skipped)
	} else {
		for i := range recs {
			if splitRecs[i] != recs[i] && i+1 != 15 { // the leg ending at 15 evaluates there
				t.Errorf("skip run split at step 15: metrics record %s, want %s", splitRecs[i], recs[i])
			}
		}
	}
	if want := fmt.Sprintf("%d batches were skipped", len(skipped)); !strings.Contains(splitOut.String(), want) {
		t.Errorf("skip run split at step 15: stdout does not say %q:\n%s", want, splitOut.String())
	}

	before, err := checkpoint.Inspect(stopCfg.RunDir())
	if err != nil {
		t.Fatal(err)
	}
	_, err = Run(context.Background(), stopCfg, Options{Resume: true})
	wantMsg := fmt.Sprintf("step %d: loss ", skipped[0])
	if err == nil || !strings.Contains(err.Error(), wantMsg) || !strings.Contains(err.Error(), "not finite") ||
		!strings.Contains(err.Error(), stopCfg.RunDir()) {
		t.Errorf("on_nonfinite stop: error %v, want one saying %q, not finite and naming %s", err, wantMsg, stopCfg.RunDir())
	}
	if after, err := checkpoint.Inspect(stopCfg.RunDir()); err != nil || *after != *before {
		t.Errorf("after the stop the latest checkpoint is %+v (%v), want %+v", after, err, before)
	}
}

// TestRunDirUnwritableMidRun replaces the run directory with a regular file
// after step 15, so the checkpoint of step 20 cannot be written (as root
// too), and checks that the run stops with an error naming the step and
// the path, that the checkpoint of step 10 is intact, and that the run can
// be resumed once the directory is back.
func TestRunDirUnwritableMidRun(t *testing.T) {
	if testing.Short() {
		t.Skip("training runs skipped in -short mode")
	}
	dir := t.TempDir()
	cfg := microConfig(t, dir)
	runDir := cfg.RunDir()
	away := runDir + ".away"
	var saved *checkpoint.Info
	_, err := Run(context.Background(), cfg, Options{OnStep: func(step int) {
		if step != 15 {
			return
		}
		var err error
		if saved, err = checkpoint.Inspect(runDir); err != nil {
			t.Error(err)
		}
		if err := os.Rename(runDir, away); err != nil {
			t.Error(err)
		}
		if err := os.WriteFile(runDir, []byte("in the way\n"), 0o644); err != nil {
			t.Error(err)
		}
	}})
	if err == nil || !strings.Contains(err.Error(), "step 20") || !strings.Contains(err.Error(), runDir) ||
		!strings.Contains(err.Error(), "not a directory") {
		t.Fatalf("run whose directory became a file: error %v, want one naming step 20, %s and the cause", err, runDir)
	}
	if err := os.Remove(runDir); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(away, runDir); err != nil {
		t.Fatal(err)
	}
	if got, err := checkpoint.Inspect(runDir); err != nil || *got != *saved {
		t.Fatalf("after the failed save the latest checkpoint is %+v (%v), want %+v", got, err, saved)
	}
	res := runMicro(t, microConfig(t, dir), Options{Resume: true})
	if res.Step != 20 {
		t.Errorf("resumed run ended at step %d, want 20", res.Step)
	}
	readLosses(t, res.RunDir) // one record per step, none twice
}

// TestEmptyTrainingSetIsAnError sets data.max_len below every training
// pair's length, leaving nothing to train on.
func TestEmptyTrainingSetIsAnError(t *testing.T) {
	dir := t.TempDir()
	cfg := microConfig(t, dir)
	cfg.Data.MaxLen = 1
	_, err := Run(context.Background(), cfg, Options{})
	if err == nil || !strings.Contains(err.Error(), "data.max_len") {
		t.Errorf("Run with no training pair within data.max_len: error %v, want one naming data.max_len", err)
	}
	if _, err := os.Stat(cfg.RunDir()); err == nil {
		t.Errorf("Run with no training data wrote %s", cfg.RunDir())
	}
}

// TestNoValidationPairWithinMaxLen gives a validation split whose every
// pair is longer than data.max_len.
func TestNoValidationPairWithinMaxLen(t *testing.T) {
	dir := t.TempDir()
	cfg := microConfig(t, dir)
	cfg.Data.Toy = false
	cfg.Data.Dir = filepath.Join(dir, "corpus")
	if err := os.Mkdir(cfg.Data.Dir, 0o755); err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("w ", cfg.Data.MaxLen+1) + "\n"
	for name, text := range map[string]string{
		"train.src": "a b\nc d\n", "train.tgt": "x y\nz w\n",
		"valid.src": long, "valid.tgt": long, "test.src": "a\n", "test.tgt": "x\n",
	} {
		if err := os.WriteFile(filepath.Join(cfg.Data.Dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	_, err := Run(context.Background(), cfg, Options{Steps: 2})
	if err == nil || !strings.Contains(err.Error(), "valid") || !strings.Contains(err.Error(), "data.max_len") {
		t.Errorf("Run with no validation pair within data.max_len: error %v, want one naming the split and data.max_len", err)
	}
}

// TestNaNActivationsReachTheLoss poisons one source token's embedding and
// computes the loss of a sentence holding it without dropout: the loss
// must be NaN, or a diverged model reports finite losses while its
// activations are NaN.
func TestNaNActivationsReachTheLoss(t *testing.T) {
	if testing.Short() {
		t.Skip("training runs skipped in -short mode")
	}
	dir := t.TempDir()
	cfg := microConfig(t, dir)
	runMicro(t, cfg, Options{Steps: 10})
	token := poisonSourceToken(t, microConfig(t, dir), cfg.RunDir())
	l, err := LoadModel(filepath.Join(cfg.RunDir(), checkpoint.StepDirName(10)))
	if err != nil {
		t.Fatal(err)
	}
	corpus, err := LoadCorpus(microConfig(t, dir), l.Src, l.Tgt, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	gs := newGraphCache(l.Model, l.Params, false, cfg.Train.LabelSmoothing)
	defer gs.close()
	for i, e := range corpus.Train {
		if !slices.Contains(e.Src, token) {
			continue
		}
		b := data.MakeBatch(corpus.Train, []int{i}, cfg.Data.Bucket, 1)
		g, err := gs.get(shapeKey{B: b.B, S: b.S, T: b.T})
		if err != nil {
			t.Fatal(err)
		}
		loss, err := g.execute(b.Src, b.TgtIn, b.TgtOut)
		if err != nil {
			t.Fatal(err)
		}
		if !math.IsNaN(loss) {
			t.Errorf("loss of training pair %d, whose source holds the NaN-embedded token %q, is %v, want NaN", i, l.Src.Token(token), loss)
		}
		return
	}
	t.Fatalf("no training pair holds token %d", token)
}
