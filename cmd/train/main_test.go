package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestMainTrainsAndInspects(t *testing.T) {
	if testing.Short() {
		t.Skip("training run skipped in -short mode")
	}
	dir := t.TempDir()
	cfg := mainTestConfig(t, dir, nil)
	out := filepath.Join(dir, "out")
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), []string{"--config", cfg, "--out", out, "--steps", "6"}, nil, &stdout, &stderr); err != nil {
		t.Fatalf("train: %v\n%s", err, stderr.String())
	}
	if !strings.Contains(stdout.String(), "test BLEU = ") {
		t.Errorf("stdout does not report test BLEU:\n%s", stdout.String())
	}
	stdout.Reset()
	if err := run(context.Background(), []string{"inspect", filepath.Join(out, "micro")}, nil, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	var info map[string]any
	if err := json.Unmarshal(stdout.Bytes(), &info); err != nil {
		t.Fatalf("inspect output is not JSON: %v\n%s", err, stdout.String())
	}
	if info["step"] != float64(6) || info["params"].(float64) <= 0 || len(info["weights_sha256"].(string)) != 64 {
		t.Errorf("inspect = %v, want step 6, params > 0 and a sha256", info)
	}
}

func TestMainRejectsBadInput(t *testing.T) {
	tests := []struct {
		name string
		args func(dir string) []string
		want string
	}{
		{"no config", func(string) []string { return nil }, "--config is required"},
		{"missing config file", func(dir string) []string { return []string{"--config", filepath.Join(dir, "nope.yaml")} }, "nope.yaml"},
		{"unknown key", func(dir string) []string {
			return []string{"--config", mainTestConfig(t, dir, func(s string) string { return s + "\nbogus: 1\n" })}
		}, "bogus"},
		{"heads do not divide", func(dir string) []string {
			return []string{"--config", mainTestConfig(t, dir, func(s string) string {
				return strings.Replace(s, "heads: 2 ", "heads: 3 ", 1)
			})}
		}, "model.heads"},
		{"negative lr", func(dir string) []string {
			return []string{"--config", mainTestConfig(t, dir, func(s string) string {
				return strings.Replace(s, "lr: 0.001", "lr: -0.001", 1)
			})}
		}, "train.lr"},
		{"stray argument", func(string) []string { return []string{"--config", "x.yaml", "extra"} }, "unexpected argument"},
		{"inspect without path", func(string) []string { return []string{"inspect"} }, "usage"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			args := tt.args(dir)
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), append(args, "--out", filepath.Join(dir, "out")), nil, &stdout, &stderr)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("run(%q) = %v, want an error mentioning %q", args, err, tt.want)
			}
			if _, statErr := os.Stat(filepath.Join(dir, "out")); statErr == nil {
				t.Errorf("a failed run wrote %s", filepath.Join(dir, "out"))
			}
		})
	}
}
