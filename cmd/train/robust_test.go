package main

// Robustness of the command against bad input and damaged files: corrupted
// checkpoints, unwritable output, non-finite losses, bad corpora, bad
// configs and hostile translate input. Each failure must be an error that
// says what is wrong and where, and must not damage what is already saved.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/seq2seq/transformer/train"
	"github.com/seq2seq/transformer/train/checkpoint"
)

// robustRun runs the command line args with stdin and returns what it
// printed.
func robustRun(args []string, stdin string) (stdout, stderr string, err error) {
	var out, log bytes.Buffer
	err = run(context.Background(), args, strings.NewReader(stdin), &out, &log)
	return out.String(), log.String(), err
}

// robustInspect runs train inspect on path and decodes its JSON.
func robustInspect(t *testing.T, path string) checkpoint.Info {
	t.Helper()
	out, _, err := robustRun([]string{"inspect", path}, "")
	if err != nil {
		t.Fatalf("inspect %s: %v", path, err)
	}
	var info checkpoint.Info
	if err := json.Unmarshal([]byte(out), &info); err != nil {
		t.Fatalf("inspect %s printed %q: %v", path, out, err)
	}
	return info
}

// robustMetrics reads runDir/metrics.jsonl, failing unless it holds exactly
// one record for each step 1..steps, in order.
func robustMetrics(t *testing.T, runDir string, steps int) []train.Record {
	t.Helper()
	recs, err := readRecords(runDir, steps)
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// readRecords reads runDir/metrics.jsonl and checks that it holds exactly
// one record for each step 1..steps, in order.
func readRecords(runDir string, steps int) ([]train.Record, error) {
	b, err := os.ReadFile(filepath.Join(runDir, "metrics.jsonl"))
	if err != nil {
		return nil, err
	}
	var recs []train.Record
	for i, line := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
		var r train.Record
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			return nil, fmt.Errorf("metrics.jsonl line %d %q: %v", i+1, line, err)
		}
		if r.Step != i+1 {
			return nil, fmt.Errorf("metrics.jsonl line %d is step %d, want %d (one record per step)", i+1, r.Step, i+1)
		}
		recs = append(recs, r)
	}
	if len(recs) != steps {
		return nil, fmt.Errorf("metrics.jsonl has %d records, want %d", len(recs), steps)
	}
	return recs, nil
}

// sameRecords fails unless got and want agree on everything but timing.
func sameRecords(t *testing.T, got, want []train.Record) {
	t.Helper()
	for i := range want {
		g, w := got[i], want[i]
		g.TokensPerS, w.TokensPerS = 0, 0
		gj, _ := json.Marshal(g)
		wj, _ := json.Marshal(w)
		if !bytes.Equal(gj, wj) {
			t.Errorf("metrics record %d = %s, want %s", i+1, gj, wj)
		}
	}
}

// assertAbsent fails if path exists: a failed command must not write it.
func assertAbsent(t *testing.T, path, context string) {
	t.Helper()
	if _, err := os.Stat(path); err == nil {
		t.Errorf("%s: %s was written, want nothing written", context, path)
	}
}

// assertMentions fails unless err is an error containing every one of want.
func assertMentions(t *testing.T, err error, context string, want ...string) {
	t.Helper()
	if err == nil {
		t.Errorf("%s: no error, want one mentioning %q", context, want)
		return
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("%s: error %q does not mention %q", context, err, w)
		}
	}
}

// TestRobustCorruptCheckpoint damages the newest checkpoint of a finished
// 20-step run in several ways and checks that inspect and translate refuse
// it with an error naming the damaged file, and that --resume warns, falls
// back to the newest valid checkpoint and ends with the weights and metrics
// of the undamaged run.
func TestRobustCorruptCheckpoint(t *testing.T) {
	if testing.Short() {
		t.Skip("training runs skipped in -short mode")
	}
	config, runDir := microRun(t)
	want := robustInspect(t, runDir)
	wantRecs := robustMetrics(t, runDir, want.Step)
	last := checkpoint.StepDirName(want.Step)
	best, err := os.ReadFile(filepath.Join(runDir, checkpoint.BestFile))
	if err != nil {
		t.Fatal(err)
	}
	lastIsBest := strings.TrimSpace(string(best)) == last

	flip := func(at float64) func([]byte) []byte {
		return func(b []byte) []byte { b[int(at*float64(len(b)))] ^= 0x10; return b }
	}
	tests := []struct {
		name     string
		file     string // damaged file, relative to the run directory
		damage   func([]byte) []byte
		fallback bool // the damaged file is in the newest checkpoint
		resume   bool // also resume (each resume trains 10 steps)
	}{
		{"params.bin truncated", last + "/params.bin", func(b []byte) []byte { return b[:len(b)-7] }, true, true},
		{"params.bin bit flip", last + "/params.bin", flip(0.37), true, true},
		{"adam.bin emptied", last + "/adam.bin", func([]byte) []byte { return nil }, true, false},
		{"meta.json bit flip", last + "/meta.json", flip(0.5), true, true},
		{"meta.json cut in half", last + "/meta.json", func(b []byte) []byte { return b[:len(b)/2] }, true, false},
		{"src.vocab lines swapped", last + "/src.vocab", func(b []byte) []byte {
			lines := strings.SplitN(string(b), "\n", 7)
			lines[4], lines[5] = lines[5], lines[4]
			return []byte(strings.Join(lines, "\n"))
		}, true, false},
		{"latest pointer garbage", "latest", func([]byte) []byte { return []byte("\x00\xffstep-9\n") }, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			copied := filepath.Join(out, filepath.Base(runDir))
			if err := os.CopyFS(copied, os.DirFS(runDir)); err != nil {
				t.Fatal(err)
			}
			damaged := filepath.Join(copied, tt.file)
			b, err := os.ReadFile(damaged)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(damaged, tt.damage(b), 0o644); err != nil {
				t.Fatal(err)
			}

			_, _, err = robustRun([]string{"inspect", copied}, "")
			assertMentions(t, err, "inspect run directory", damaged, "corrupt")
			if tt.fallback {
				_, _, err = robustRun([]string{"inspect", filepath.Join(copied, last)}, "")
				assertMentions(t, err, "inspect step directory", damaged, "corrupt")
				_, _, err = robustRun([]string{"translate", "--checkpoint", filepath.Join(copied, last)}, "a dog\n")
				assertMentions(t, err, "translate --checkpoint step directory", damaged, "corrupt")
				if lastIsBest {
					_, _, err = robustRun([]string{"translate", "--checkpoint", copied}, "a dog\n")
					assertMentions(t, err, "translate --checkpoint run directory", damaged, "corrupt")
				}
			}

			if !tt.resume {
				return
			}
			_, stderr, err := robustRun([]string{"--config", config, "--out", out, "--resume"}, "")
			if err != nil {
				t.Fatalf("--resume: %v\n%s", err, stderr)
			}
			if !strings.Contains(stderr, "warning") || !strings.Contains(stderr, damaged) {
				t.Errorf("--resume stderr does not warn about %s:\n%s", damaged, stderr)
			}
			if tt.fallback && !strings.Contains(stderr, "resuming from "+filepath.Join(copied, checkpoint.StepDirName(want.Step-10))) {
				t.Errorf("--resume did not resume from the previous checkpoint:\n%s", stderr)
			}
			// The run directory's latest pointer stays damaged when the
			// resumed run had nothing left to train (see
			// TestRobustResumeRepairsLatestPointer), so inspect the step.
			got := robustInspect(t, filepath.Join(copied, last))
			if got.Step != want.Step || got.WeightsSHA256 != want.WeightsSHA256 {
				t.Errorf("after --resume: step %d weights %s, want step %d weights %s (the undamaged run's)",
					got.Step, got.WeightsSHA256, want.Step, want.WeightsSHA256)
			}
			sameRecords(t, robustMetrics(t, copied, want.Step), wantRecs)
		})
	}
}

// TestRobustResumeRepairsLatestPointer damages the latest pointer of a
// finished run and resumes it: the resume falls back to the newest valid
// checkpoint, which is the final one, and should leave the run directory
// usable by inspect again.
func TestRobustResumeRepairsLatestPointer(t *testing.T) {
	if testing.Short() {
		t.Skip("training runs skipped in -short mode")
	}
	config, runDir := microRun(t)
	want := robustInspect(t, runDir)
	out := filepath.Join(t.TempDir(), "out")
	copied := filepath.Join(out, filepath.Base(runDir))
	if err := os.CopyFS(copied, os.DirFS(runDir)); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(copied, checkpoint.LatestFile), []byte("garbage\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, stderr, err := robustRun([]string{"--config", config, "--out", out, "--resume"}, ""); err != nil {
		t.Fatalf("--resume: %v\n%s", err, stderr)
	}
	if got := robustInspect(t, copied); got.WeightsSHA256 != want.WeightsSHA256 {
		t.Errorf("after --resume: weights %s, want %s", got.WeightsSHA256, want.WeightsSHA256)
	}
}

// TestRobustResumeWithoutCheckpoint checks that --resume where no
// checkpoint exists fails clearly, writing nothing, and leaves the metrics
// of a run killed before its first checkpoint alone.
func TestRobustResumeWithoutCheckpoint(t *testing.T) {
	dir := t.TempDir()
	config := microConfig(t, dir, "micro", filepath.Join(dir, "data"), nil)
	out := filepath.Join(dir, "out")
	_, _, err := robustRun([]string{"--config", config, "--out", out, "--resume"}, "")
	assertMentions(t, err, "--resume with no run directory", "no checkpoint", filepath.Join(out, "micro"))
	assertAbsent(t, out, "--resume with no run directory")

	runDir := filepath.Join(out, "micro")
	metrics := filepath.Join(runDir, "metrics.jsonl")
	if err := os.MkdirAll(runDir, 0o755); err != nil {
		t.Fatal(err)
	}
	const partial = `{"step":1,"loss":6.2,"lr":0.0002,"tokens_per_s":1,"grad_norm":0.9}` + "\n"
	if err := os.WriteFile(metrics, []byte(partial), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err = robustRun([]string{"--config", config, "--out", out, "--resume"}, "")
	assertMentions(t, err, "--resume with an empty run directory", "no checkpoint", runDir)
	if b, _ := os.ReadFile(metrics); string(b) != partial {
		t.Errorf("a failed --resume changed metrics.jsonl to %q", b)
	}
}

// TestRobustUnwritableOutput points --out where no directory can be made,
// even by root, and checks for a clear error naming the path and that
// nothing is written.
func TestRobustUnwritableOutput(t *testing.T) {
	dir := t.TempDir()
	config := microConfig(t, dir, "micro", filepath.Join(dir, "data"), nil)
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, []byte("not a directory\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	runDirFile := filepath.Join(dir, "out2")
	if err := os.MkdirAll(runDirFile, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(runDirFile, "micro"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name, out string
		resume    bool
		blame     string // the path the error must name
	}{
		{"out under a regular file", filepath.Join(file, "sub"), false, file},
		{"out is a regular file", file, false, file},
		{"run directory is a regular file", runDirFile, false, filepath.Join(runDirFile, "micro")},
		{"resume with out under a regular file", filepath.Join(file, "sub"), true, file},
	} {
		args := []string{"--config", config, "--out", tt.out}
		if tt.resume {
			args = append(args, "--resume")
		}
		_, _, err := robustRun(args, "")
		assertMentions(t, err, tt.name, tt.blame, "not a directory")
	}
	if b, _ := os.ReadFile(file); string(b) != "not a directory\n" {
		t.Errorf("the regular file under --out was changed to %q", b)
	}
	if b, _ := os.ReadFile(filepath.Join(runDirFile, "micro")); string(b) != "x" {
		t.Errorf("the regular file at the run directory was changed to %q", b)
	}
}

// TestRobustNonfiniteStop trains 10 steps, resumes with a learning rate that
// makes the loss NaN, and checks that the run stops with an error naming
// the step, that the checkpoint of step 10 is untouched, and that resuming
// with the original config ends with the undamaged run's weights.
func TestRobustNonfiniteStop(t *testing.T) {
	if testing.Short() {
		t.Skip("training runs skipped in -short mode")
	}
	config, runDir := microRun(t)
	want := robustInspect(t, runDir)
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	if _, stderr, err := robustRun([]string{"--config", config, "--out", out, "--steps", "10"}, ""); err != nil {
		t.Fatalf("first 10 steps: %v\n%s", err, stderr)
	}
	myRun := filepath.Join(out, "micro")
	before := robustInspect(t, myRun)

	cfg, err := train.LoadConfig(config)
	if err != nil {
		t.Fatal(err)
	}
	diverge := microConfig(t, dir, "diverge", cfg.Data.Dir, func(c *train.Config) {
		c.Train.LR, c.Train.ClipNorm, c.Train.Warmup, c.Train.Schedule = 1e20, 0, 0, train.ScheduleConstant
	})
	_, stderr, err := robustRun([]string{"--config", diverge, "--out", out, "--resume", "--steps", "20"}, "")
	if err == nil {
		t.Fatalf("a run with lr 1e20 succeeded, want a non-finite loss error\n%s", stderr)
	}
	m := regexp.MustCompile(`step (\d+): loss (NaN|[+-]Inf)`).FindStringSubmatch(err.Error())
	if m == nil {
		t.Fatalf("error %q does not name the step and the non-finite loss", err)
	}
	if step, _ := strconv.Atoi(m[1]); step <= 10 || step > 20 {
		t.Errorf("error names step %d, want one in 11..20", step)
	}
	assertMentions(t, err, "non-finite stop", myRun, "on_nonfinite")
	after := robustInspect(t, myRun)
	if after != before {
		t.Errorf("after the non-finite stop the latest checkpoint is %+v, want it unchanged %+v", after, before)
	}

	if _, stderr, err := robustRun([]string{"--config", config, "--out", out, "--resume"}, ""); err != nil {
		t.Fatalf("resume with the original config: %v\n%s", err, stderr)
	}
	if got := robustInspect(t, myRun); got.WeightsSHA256 != want.WeightsSHA256 {
		t.Errorf("after the non-finite stop and a resume: weights %s, want %s", got.WeightsSHA256, want.WeightsSHA256)
	}
	robustMetrics(t, myRun, want.Step)
}

// robustCorpus writes a small valid corpus into dir: 16 training pairs and
// 4 validation and test pairs, the target the source reversed.
func robustCorpus(t *testing.T, dir string) {
	t.Helper()
	words := strings.Fields("the a dog cat sees likes big small red old house tree man woman runs eats")
	r := rand.New(rand.NewPCG(7, 7))
	for _, split := range []struct {
		name string
		n    int
	}{{"train", 16}, {"valid", 4}, {"test", 4}} {
		var src, tgt strings.Builder
		for range split.n {
			toks := make([]string, 3+r.IntN(5))
			for i := range toks {
				toks[i] = words[r.IntN(len(words))]
			}
			src.WriteString(strings.Join(toks, " ") + "\n")
			for i := len(toks) - 1; i >= 0; i-- {
				tgt.WriteString(strings.ToUpper(toks[i]))
				if i > 0 {
					tgt.WriteByte(' ')
				}
			}
			tgt.WriteByte('\n')
		}
		for ext, text := range map[string]string{"src": src.String(), "tgt": tgt.String()} {
			if err := os.WriteFile(filepath.Join(dir, split.name+"."+ext), []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// robustEditLine replaces line n (1-based) of path with text.
func robustEditLine(t *testing.T, path string, n int, text string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(b), "\n")
	lines[n-1] = text
	if err := os.WriteFile(path, []byte(strings.Join(lines, "")), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestRobustBadCorpus runs the command on a corpus of its own (data.toy
// false) damaged in one way at a time. Each damage is an error naming the
// file (and the line, where there is one) with nothing written to the run
// directory, or, for CRLF line endings and megabyte lines, documented
// handling: CRLF gives the same run as LF, over-long training lines are
// dropped and over-long test lines truncated.
func TestRobustBadCorpus(t *testing.T) {
	megaLine := strings.TrimSpace(strings.Repeat("dog ", 1<<18)) + "\n"
	tests := []struct {
		name   string
		damage func(t *testing.T, dir string)
		want   []string // error substrings, with DIR for the corpus directory; nil means accepted
	}{
		{"mismatched line counts", func(t *testing.T, dir string) {
			robustEditLine(t, filepath.Join(dir, "train.tgt"), 16, "")
		}, []string{"DIR/train.src", "DIR/train.tgt", "16 lines", "15 lines"}},
		{"0-byte file", func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, "valid.src"), nil, 0o644)
		}, []string{"DIR/valid.src", "empty file"}},
		{"file of blank lines", func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, "test.tgt"), []byte("\n \n\t\n\n"), 0o644)
		}, []string{"DIR/test.tgt line 1", "empty"}},
		{"blank line inside", func(t *testing.T, dir string) {
			robustEditLine(t, filepath.Join(dir, "train.src"), 9, "  \r\n")
		}, []string{"DIR/train.src line 9", "empty"}},
		{"invalid UTF-8", func(t *testing.T, dir string) {
			robustEditLine(t, filepath.Join(dir, "train.tgt"), 5, "DOG \xc3\x28 CAT\n")
		}, []string{"DIR/train.tgt line 5", "invalid UTF-8"}},
		{"missing split", func(t *testing.T, dir string) {
			os.Remove(filepath.Join(dir, "valid.tgt"))
		}, []string{"DIR/valid.tgt", "no such file", "data.toy is false"}},
		{"folder where a file should be", func(t *testing.T, dir string) {
			os.Remove(filepath.Join(dir, "test.src"))
			os.Mkdir(filepath.Join(dir, "test.src"), 0o755)
		}, []string{"DIR/test.src", "not a regular file"}},
		{"data.dir is a file", func(t *testing.T, dir string) {
			os.RemoveAll(dir)
			os.WriteFile(dir, []byte("x\n"), 0o644)
		}, []string{"DIR/train.src", "not a directory"}},
		{"CRLF line endings", func(t *testing.T, dir string) {
			for _, f := range []string{"train.src", "train.tgt", "valid.src", "valid.tgt", "test.src", "test.tgt"} {
				b, _ := os.ReadFile(filepath.Join(dir, f))
				os.WriteFile(filepath.Join(dir, f), bytes.ReplaceAll(b, []byte("\n"), []byte("\r\n")), 0o644)
			}
		}, nil},
		{"megabyte lines", func(t *testing.T, dir string) {
			robustEditLine(t, filepath.Join(dir, "train.src"), 3, megaLine)
			robustEditLine(t, filepath.Join(dir, "test.src"), 2, megaLine)
			robustEditLine(t, filepath.Join(dir, "valid.src"), 1, megaLine)
		}, nil},
	}
	var lfHash string
	for _, tt := range append([]struct {
		name   string
		damage func(t *testing.T, dir string)
		want   []string
	}{{"undamaged", func(*testing.T, string) {}, nil}}, tests...) {
		t.Run(tt.name, func(t *testing.T) {
			if tt.want == nil && testing.Short() {
				t.Skip("an accepted corpus trains; training runs skipped in -short mode")
			}
			dir := t.TempDir()
			data := filepath.Join(dir, "corpus")
			if err := os.Mkdir(data, 0o755); err != nil {
				t.Fatal(err)
			}
			robustCorpus(t, data)
			tt.damage(t, data)
			config := microConfig(t, dir, "own", data, func(c *train.Config) {
				c.Data.Toy = false
				c.Model.MaxPositions = 24
				c.Train.Steps, c.Train.EvalEvery, c.Train.SaveEvery, c.Train.ValidBLEUSentences = 2, 2, 2, 2
			})
			out := filepath.Join(dir, "out")
			stdout, stderr, err := robustRun([]string{"--config", config, "--out", out}, "")
			if tt.want != nil {
				var want []string
				for _, w := range tt.want {
					want = append(want, strings.ReplaceAll(w, "DIR", data))
				}
				assertMentions(t, err, tt.name, want...)
				assertAbsent(t, out, tt.name)
				return
			}
			if err != nil {
				t.Fatalf("%v\n%s", err, stderr)
			}
			if !strings.Contains(stdout, "test BLEU") {
				t.Errorf("stdout has no test BLEU:\n%s", stdout)
			}
			hash := robustInspect(t, filepath.Join(out, "micro")).WeightsSHA256
			switch tt.name {
			case "undamaged":
				lfHash = hash
			case "CRLF line endings":
				if lfHash != "" && hash != lfHash {
					t.Errorf("CRLF corpus trained to weights %s, the same corpus with LF to %s", hash, lfHash)
				}
			case "megabyte lines":
				if !strings.Contains(stderr, "train: 15 pairs, 1 dropped as longer than data.max_len") {
					t.Errorf("stderr does not report the megabyte training line dropped:\n%s", stderr)
				}
			}
		})
	}
}

// robustLineOf returns the 1-based line of the first occurrence of sub in
// text.
func robustLineOf(t *testing.T, text, sub string) int {
	t.Helper()
	i := strings.Index(text, sub)
	if i < 0 {
		t.Fatalf("%q not found in the config", sub)
	}
	return strings.Count(text[:i], "\n") + 1
}

// TestRobustBadConfig runs the command on configs/micro.yaml damaged in one
// way at a time and checks that each is an error naming the config file,
// the key and its line, and that nothing is written.
func TestRobustBadConfig(t *testing.T) {
	replace := func(old, new string) func(string) string {
		return func(s string) string {
			if !strings.Contains(s, old) {
				return "MISSING " + old
			}
			return strings.Replace(s, old, new, 1)
		}
	}
	tests := []struct {
		name string
		edit func(string) string
		at   string   // the config line the error must name holds this; "" = no line
		want []string // further error substrings
	}{
		{"malformed YAML", replace("  steps: 20 ", "  steps: [20, "), "", []string{"malformed YAML", "line"}},
		{"tab indentation", replace("  steps: 20 ", "\tsteps: 20 "), "", []string{"malformed YAML"}},
		{"unknown nested key", replace("  steps: 20 ", "  stpes: 20 "), "stpes:", []string{"train.stpes", "unknown key", "steps"}},
		{"unknown group", func(s string) string { return s + "optimizer:\n  lr: 1\n" }, "optimizer:", []string{"optimizer", "unknown key"}},
		{"duplicate key", replace("  steps: 20 ", "  steps: 20\n  steps: 30 "), "steps: 30", []string{"train.steps", "duplicate"}},
		{"string for an integer", replace("  steps: 20 ", "  steps: twenty "), "twenty", []string{"train.steps", "not an integer"}},
		{"float for an integer", replace("  batch_size: 8 ", "  batch_size: 8.5 "), "8.5", []string{"train.batch_size", "not an integer"}},
		{"string for a bool", replace("  toy: true ", "  toy: maybe "), "maybe", []string{"data.toy", "not true or false"}},
		{"list for a number", replace("  dropout: 0.1 ", "  dropout: [0.1] "), "[0.1]", []string{"model.dropout", "single value"}},
		{"mapping for a group value", replace("  d_model: 16 ", "  d_model: {x: 1} "), "{x: 1}", []string{"model.d_model"}},
		{"scalar for a group", replace("model:\n", "model: 5\nmodel_was:\n"), "model: 5", []string{"model", "mapping"}},
		{"integer overflow", replace("  batch_size: 8 ", "  batch_size: 99999999999999999999 "), "99999999999999999999", []string{"train.batch_size"}},
		{"negative seed", replace("seed: 1 ", "seed: -1 "), "seed: -1", []string{"seed"}},
		{"zero steps", replace("  steps: 20 ", "  steps: 0 "), "steps: 0", []string{"train.steps", "positive"}},
		{"dropout 1", replace("  dropout: 0.1 ", "  dropout: 1.0 "), "dropout: 1.0", []string{"model.dropout", "[0, 1)"}},
		{"beta2 1", replace("  beta2: 0.98 ", "  beta2: 1 "), "beta2: 1", []string{"train.beta2"}},
		{"eps 0", replace("  eps: 1.0e-9 ", "  eps: 0 "), "eps: 0", []string{"train.eps"}},
		{"lr NaN", replace("  lr: 0.001 ", "  lr: .nan "), "lr: .nan", []string{"train.lr", "finite"}},
		{"lr Inf", replace("  lr: 0.001 ", "  lr: .inf "), "lr: .inf", []string{"train.lr", "finite"}},
		{"save_every 0", replace("  save_every: 10 ", "  save_every: 0 "), "save_every: 0", []string{"train.save_every"}},
		{"on_nonfinite unknown", replace("  on_nonfinite: stop ", "  on_nonfinite: ignore "), "on_nonfinite: ignore", []string{"train.on_nonfinite", "stop, skip"}},
		{"schedule unknown", replace("  schedule: inverse_sqrt ", "  schedule: cosine "), "cosine", []string{"train.schedule"}},
		{"workers above batch_size", replace("  workers: 1 ", "  workers: 9 "), "workers: 9", []string{"train.workers", "train.batch_size (8)"}},
		{"max_positions below max_len", replace("  max_positions: 256 ", "  max_positions: 10 "), "max_positions: 10", []string{"model.max_positions", "data.max_len"}},
		{"heads do not divide d_model", replace("  heads: 2 ", "  heads: 5 "), "heads: 5", []string{"model.heads", "divide"}},
		{"name escapes out", replace("name: micro ", "name: ../../evil "), "name: ../../evil", []string{"name", "single path component"}},
		{"missing name", replace("name: micro ", "# name: micro "), "", []string{"name", "required key is missing"}},
		{"src equals tgt", replace("  tgt: tgt ", "  tgt: src "), "tgt: src", []string{"data.tgt"}},
		{"empty file", func(string) string { return "" }, "", []string{"empty"}},
		{"only comments", func(string) string { return "# nothing\n" }, "", []string{"empty"}},
		{"two documents", func(s string) string { return s + "---\nname: x\n" }, "", []string{"more than one YAML document"}},
		{"top level is a list", func(string) string { return "- name: micro\n" }, "", []string{"mapping"}},
		{"binary junk", func(string) string {
			r := rand.New(rand.NewPCG(3, 4))
			b := make([]byte, 4096)
			for i := range b {
				b[i] = byte(r.Uint32())
			}
			return string(b)
		}, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := mainTestConfig(t, dir, tt.edit)
			text, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if strings.HasPrefix(string(text), "MISSING") {
				t.Fatalf("configs/micro.yaml changed: %s", text)
			}
			want := append([]string{"config " + path}, tt.want...)
			if tt.at != "" {
				want = append(want, fmt.Sprintf("line %d", robustLineOf(t, string(text), tt.at)))
			}
			out := filepath.Join(dir, "out")
			_, _, err = robustRun([]string{"--config", path, "--out", out}, "")
			assertMentions(t, err, tt.name, want...)
			assertAbsent(t, out, tt.name)
			assertAbsent(t, filepath.Join(dir, "data"), tt.name)
		})
	}
	t.Run("config is a directory", func(t *testing.T) {
		dir := t.TempDir()
		_, _, err := robustRun([]string{"--config", dir, "--out", filepath.Join(dir, "out")}, "")
		assertMentions(t, err, "config is a directory", dir, "is a directory")
	})
}

// TestRobustMaxPositionsCoversBuckets gives model.max_positions 18 with
// data.max_len 16 and data.bucket 4. Validation accepts it (18 >= 16 + 2),
// but a batch of 17-token targets is rounded up to 20 positions, so the
// config must be rejected before training, not at the first such batch.
func TestRobustMaxPositionsCoversBuckets(t *testing.T) {
	dir := t.TempDir()
	config := microConfig(t, dir, "micro", filepath.Join(dir, "data"), func(c *train.Config) { c.Model.MaxPositions = 18 })
	out := filepath.Join(dir, "out")
	_, _, err := robustRun([]string{"--config", config, "--out", out}, "")
	assertMentions(t, err, "max_positions 18", "model.max_positions", "data.bucket")
	assertAbsent(t, out, "max_positions 18")
}

// TestRobustResumeDifferentModel trains 10 steps and resumes with a config
// whose model differs in shape: each is an error naming the checkpoint,
// and the checkpoint is untouched.
func TestRobustResumeDifferentModel(t *testing.T) {
	if testing.Short() {
		t.Skip("training runs skipped in -short mode")
	}
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	out := filepath.Join(dir, "out")
	config := microConfig(t, dir, "micro", data, nil)
	if _, stderr, err := robustRun([]string{"--config", config, "--out", out, "--steps", "10"}, ""); err != nil {
		t.Fatalf("first 10 steps: %v\n%s", err, stderr)
	}
	runDir := filepath.Join(out, "micro")
	before := robustInspect(t, runDir)
	for _, tt := range []struct {
		name string
		edit func(*train.Config)
	}{
		{"d_model", func(c *train.Config) { c.Model.DModel = 32 }},
		{"layers", func(c *train.Config) { c.Model.EncoderLayers = 2 }},
		{"untied embeddings", func(c *train.Config) { c.Model.TieEmbeddings = false }},
		{"max_positions", func(c *train.Config) { c.Model.MaxPositions = 64 }},
	} {
		other := microConfig(t, dir, "other", data, tt.edit)
		_, _, err := robustRun([]string{"--config", other, "--out", out, "--resume"}, "")
		assertMentions(t, err, tt.name, filepath.Join(runDir, "step-00000010"), "model")
	}
	if after := robustInspect(t, runDir); after != before {
		t.Errorf("after failed resumes the checkpoint is %+v, want %+v", after, before)
	}
}

// TestRobustResumeDifferentVocabulary resumes a 10-step run with a config
// whose data section gives a different vocabulary. The checkpoint's
// vocabulary is not the one the config describes, so this must be an
// error, as fairseq's size-mismatch on load is.
func TestRobustResumeDifferentVocabulary(t *testing.T) {
	if testing.Short() {
		t.Skip("training runs skipped in -short mode")
	}
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	out := filepath.Join(dir, "out")
	config := microConfig(t, dir, "micro", data, nil)
	if _, stderr, err := robustRun([]string{"--config", config, "--out", out, "--steps", "10"}, ""); err != nil {
		t.Fatalf("first 10 steps: %v\n%s", err, stderr)
	}
	for i, tt := range []struct {
		name string
		edit func(*train.Config)
	}{
		{"min_freq", func(c *train.Config) { c.Data.MinFreq = 2 }},
		{"max_vocab", func(c *train.Config) { c.Data.MaxVocab = 50 }},
		{"other corpus", func(c *train.Config) { c.Data.Dir, c.Data.ToyTrain = filepath.Join(dir, "data2"), 400 }},
	} {
		caseOut := filepath.Join(dir, fmt.Sprint("out", i))
		if err := os.CopyFS(filepath.Join(caseOut, "micro"), os.DirFS(filepath.Join(out, "micro"))); err != nil {
			t.Fatal(err)
		}
		other := microConfig(t, dir, "other", data, tt.edit)
		_, _, err := robustRun([]string{"--config", other, "--out", caseOut, "--resume", "--steps", "12"}, "")
		assertMentions(t, err, tt.name, "vocabulary")
	}
}

// TestRobustTranslateHostileInput feeds translate seeded binary junk (NUL
// bytes, invalid UTF-8, lone CRs, control characters, very long lines) and
// checks that it neither fails nor crashes and answers one line per input
// line.
func TestRobustTranslateHostileInput(t *testing.T) {
	_, runDir := microRun(t)
	r := rand.New(rand.NewPCG(11, 12))
	junk := make([]byte, 8<<10)
	for i := range junk {
		junk[i] = byte(r.Uint32())
		if junk[i] == '\n' && r.IntN(4) > 0 {
			junk[i] = 0 // lines of about 1 KB
		}
	}
	input := string(junk) + "\n\r\n\x00\n" + strings.Repeat("\xff", 1<<20) + "\n" + strings.Repeat("dog\x00", 1<<18)
	lines := strings.Count(input, "\n") + 1
	stdout, _, err := robustRun([]string{"translate", "--checkpoint", runDir, "--beam", "1"}, input)
	if err != nil {
		t.Fatalf("translate of junk: %v", err)
	}
	if got := strings.Count(stdout, "\n"); got != lines {
		t.Errorf("translate of %d junk lines printed %d lines", lines, got)
	}
}
