package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"path/filepath"
	"strings"
	"testing"
)

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
		{[]string{"--config", config, "--beam", "-1"}, "--beam -1 out of range: want 1 (greedy) to 256"},
		{[]string{"--config", config, "--beam", "0"}, "--beam 0 out of range"},
		{[]string{"--config", config, "--beam", "257"}, "--beam 257 out of range"},
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
