package main

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/seq2seq/transformer/train"
	"github.com/seq2seq/transformer/train/checkpoint"
)

// TestAverageCommand trains the micro config for 30 steps (checkpoints at
// 10, 20 and 30), averages the last two and checks that the result is their
// exact mean and that inspect, translate and eval accept it.
func TestAverageCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("training run skipped in -short mode")
	}
	dir := t.TempDir()
	cfg := mainTestConfig(t, dir, nil)
	out := filepath.Join(dir, "out")
	var log bytes.Buffer
	if err := run(context.Background(), []string{"--config", cfg, "--out", out, "--steps", "30"}, nil, &log, &log); err != nil {
		t.Fatalf("train: %v\n%s", err, log.String())
	}
	runDir := filepath.Join(out, "micro")
	avg := filepath.Join(dir, "avg")
	var stdout bytes.Buffer
	if err := run(context.Background(), []string{"average", runDir, "--last", "2", "--out", avg}, nil, &stdout, &stdout); err != nil {
		t.Fatalf("average: %v", err)
	}
	if want := "averaged step-00000020,step-00000030 into " + filepath.Join(avg, "step-00000030") + "\n"; stdout.String() != want {
		t.Errorf("average printed %q, want %q", stdout.String(), want)
	}
	assertMeanOf(t, avg, filepath.Join(runDir, "step-00000020"), filepath.Join(runDir, "step-00000030"))

	l, err := train.LoadModel(avg)
	if err != nil {
		t.Fatalf("LoadModel(averaged): %v", err)
	}
	if l.Step != 30 {
		t.Errorf("averaged model at step %d, want 30", l.Step)
	}
	stdout.Reset()
	if err := run(context.Background(), []string{"inspect", avg}, nil, &stdout, &stdout); err != nil {
		t.Fatalf("inspect: %v", err)
	}
	var info checkpoint.Info
	if err := json.Unmarshal(stdout.Bytes(), &info); err != nil || info.Step != 30 || info.AdamStep != 0 {
		t.Errorf("inspect = %+v, %v; want step 30, adam step 0", info, err)
	}
	stdout.Reset()
	src := "the dog sees a cat .\n\nthe cat sees a dog .\n"
	if err := run(context.Background(), []string{"translate", "--checkpoint", avg, "--beam", "1"}, strings.NewReader(src), &stdout, &stdout); err != nil {
		t.Fatalf("translate: %v", err)
	}
	if n := strings.Count(stdout.String(), "\n"); n != 3 {
		t.Errorf("translate wrote %d lines for 3: %q", n, stdout.String())
	}
	stdout.Reset()
	if err := run(context.Background(), []string{"eval", "--config", cfg, "--checkpoint", avg, "--split", "valid", "--beam", "1", "-f", "json"}, nil, &stdout, &log); err != nil {
		t.Fatalf("eval: %v", err)
	}
	if !json.Valid(bytes.TrimSpace(stdout.Bytes())) {
		t.Errorf("eval printed %q, want a JSON score", stdout.String())
	}

	// The run directory itself is refused as --out: Save would overwrite
	// its step-00000030.
	err = run(context.Background(), []string{"average", runDir, "--last", "2", "--out", runDir}, nil, &stdout, &stdout)
	if err == nil || !strings.Contains(err.Error(), "already holds checkpoints") {
		t.Errorf("average --out RUN_DIR = %v, want a refusal", err)
	}
	err = run(context.Background(), []string{"average", runDir, "--last", "4", "--out", filepath.Join(dir, "avg4")}, nil, &stdout, &stdout)
	if err == nil || !strings.Contains(err.Error(), "the run has 3") {
		t.Errorf("average --last 4 = %v, want an error saying the run has 3", err)
	}
}

// assertMeanOf checks that the parameters at avg are the float64 mean of
// those at a and b rounded to float32, bit for bit.
func assertMeanOf(t *testing.T, avg, a, b string) {
	t.Helper()
	var st [3]*checkpoint.State
	for i, p := range []string{avg, a, b} {
		s, err := checkpoint.Load(p)
		if err != nil {
			t.Fatal(err)
		}
		st[i] = s
	}
	for i, p := range st[0].Params {
		for j, x := range p.Data {
			want := float32((float64(st[1].Params[i].Data[j]) + float64(st[2].Params[i].Data[j])) / 2)
			if x != want {
				t.Fatalf("%s[%d] = %v, want mean %v", p.Name, j, x, want)
			}
		}
	}
	if len(st[0].AdamM) != 0 {
		t.Errorf("averaged checkpoint has %d Adam moments, want none", len(st[0].AdamM))
	}
}

func TestAverageCommandErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"average", dir, "--out", filepath.Join(dir, "o")}, "--last 0, want at least 1"},
		{[]string{"average", dir, "--last", "2"}, "--out is required"},
		{[]string{"average", "--last", "2", "--out", "x"}, "RUN_DIR is required"},
		{[]string{"average", dir, "--last", "1", "--out", filepath.Join(dir, "o")}, "no checkpoint found"},
	}
	for _, tt := range tests {
		var stdout bytes.Buffer
		err := run(context.Background(), tt.args, nil, &stdout, &stdout)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("run %q = %v, want an error containing %q", tt.args, err, tt.want)
		}
	}
}
