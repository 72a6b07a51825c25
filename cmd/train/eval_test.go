package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/seq2seq/transformer/train"
)

// micro is the checkpoint the tests share: configs/micro.yaml trained for
// 20 steps once per test binary, under a directory TestMain removes.
var micro struct {
	once     sync.Once
	root     string
	config   string // the micro config with its data and output under root
	runDir   string
	trainOut string // what training printed to stdout
	err      error
}

func TestMain(m *testing.M) {
	root, err := os.MkdirTemp("", "cmd-train-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "create test directory:", err)
		os.Exit(1)
	}
	micro.root = root
	code := m.Run()
	os.RemoveAll(root)
	os.Exit(code)
}

// microRun returns the shared micro config and run directory, training the
// checkpoint on first use.
func microRun(t *testing.T) (config, runDir string) {
	t.Helper()
	micro.once.Do(func() { micro.err = trainMicro() })
	if micro.err != nil {
		t.Fatalf("train the micro checkpoint: %v", micro.err)
	}
	return micro.config, micro.runDir
}

// trainMicro writes the micro config with absolute data and output
// directories under micro.root and trains it.
func trainMicro() error {
	cfg, err := train.LoadConfig(filepath.Join("..", "..", "configs", "micro.yaml"))
	if err != nil {
		return err
	}
	cfg.Data.Dir = filepath.Join(micro.root, "data")
	cfg.Out = filepath.Join(micro.root, "checkpoints")
	text, err := cfg.Marshal()
	if err != nil {
		return err
	}
	micro.config = filepath.Join(micro.root, "micro.yaml")
	if err := os.WriteFile(micro.config, text, 0o644); err != nil {
		return err
	}
	var stdout, stderr bytes.Buffer
	args := []string{"--config", micro.config, "--out", cfg.Out, "--steps", "20"}
	if err := run(context.Background(), args, strings.NewReader(""), &stdout, &stderr); err != nil {
		return fmt.Errorf("%w\n%s", err, stderr.String())
	}
	micro.runDir, micro.trainOut = cfg.RunDir(), stdout.String()
	return nil
}

// microModel loads the shared micro checkpoint.
func microModel(t *testing.T) *train.Loaded {
	t.Helper()
	_, runDir := microRun(t)
	l, err := train.LoadModel(runDir)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// runEval runs train eval with args and returns its stdout.
func runEval(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var stdout bytes.Buffer
	err := run(context.Background(), append([]string{"eval"}, args...), strings.NewReader(""), &stdout, io.Discard)
	return stdout.String(), err
}

func TestEvalJSON(t *testing.T) {
	config, runDir := microRun(t)
	for _, args := range [][]string{
		{"--config", config},
		{"--config", config, "--split", "valid", "--beam", "1"},
		{"--config", config, "--checkpoint", filepath.Join(runDir, "step-00000010"), "--beam", "1", "-w", "3"},
	} {
		out, err := runEval(t, args...)
		if err != nil {
			t.Errorf("eval %q: %v", args, err)
			continue
		}
		var got struct {
			Name      string   `json:"name"`
			Score     *float64 `json:"score"`
			Signature string   `json:"signature"`
		}
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Errorf("eval %q printed %q: %v, want a JSON object", args, out, err)
			continue
		}
		if got.Name != "BLEU" || got.Score == nil || *got.Score < 0 || *got.Score > 100 {
			t.Errorf("eval %q: name %q score %v, want BLEU with a score in [0, 100]", args, got.Name, got.Score)
		}
		if !strings.Contains(got.Signature, "nrefs:1") || !strings.Contains(got.Signature, "tok:13a") {
			t.Errorf("eval %q: signature %q, want nrefs:1 and tok:13a", args, got.Signature)
		}
	}
}

// TestEvalMatchesTraining checks that eval of the final checkpoint, with the
// config's beam, gives the test BLEU training printed at its end.
func TestEvalMatchesTraining(t *testing.T) {
	config, runDir := microRun(t)
	out, err := runEval(t, "--config", config, "--checkpoint", filepath.Join(runDir, "step-00000020"), "-f", "text", "-w", "2")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out, "BLEU|nrefs:1|") {
		t.Errorf("eval -f text = %q, want it to start with BLEU|nrefs:1|", out)
	}
	_, score, _ := strings.Cut(strings.TrimSpace(out), " = ")
	_, trained, _ := strings.Cut(micro.trainOut, "test BLEU = ")
	trained, _, _ = strings.Cut(trained, " (beam ")
	if score == "" || score != trained {
		t.Errorf("eval score = %q, want training's final test score %q", score, trained)
	}
}

func TestEvalErrors(t *testing.T) {
	config, _ := microRun(t)
	empty := t.TempDir()
	tests := []struct {
		args []string
		want string
	}{
		{[]string{}, "--config is required"},
		{[]string{"--config", filepath.Join(empty, "none.yaml")}, "load config"},
		{[]string{"--config", config, "--split", "train"}, `--split "train": want test or valid`},
		{[]string{"--config", config, "-f", "xml"}, `-f "xml": want json or text`},
		{[]string{"--config", config, "--beam", "-1"}, "--beam -1 must be positive"},
		{[]string{"--config", config, "-w", "-2"}, "-w -2 must not be negative"},
		{[]string{"--config", config, "--checkpoint", filepath.Join(empty, "run")}, "no checkpoint at"},
		{[]string{"--config", config, "--checkpoint", empty}, "no checkpoint in"},
		{[]string{"--config", config, "stray"}, `unexpected argument "stray"`},
	}
	for _, tt := range tests {
		_, err := runEval(t, tt.args...)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("eval %q: error %v, want one containing %q", tt.args, err, tt.want)
		}
	}
}
