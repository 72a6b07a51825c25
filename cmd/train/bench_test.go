package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"io/fs"
	"os"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/seq2seq/transformer/graph"
)

// runBench runs train bench with args and returns its stdout.
func runBench(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var stdout bytes.Buffer
	err := run(context.Background(), append([]string{"bench"}, args...), strings.NewReader(""), &stdout, io.Discard)
	return stdout.String(), err
}

func TestBench(t *testing.T) {
	if testing.Short() {
		t.Skip("trains and decodes the micro model; skipped with -short")
	}
	config, runDir := microRun(t)
	before := dirNames(t, micro.root)
	for _, args := range [][]string{
		{"--config", config, "--steps", "3", "--warmup", "1", "--sentences", "16"},
		{"--config", config, "--steps", "1", "--warmup", "0", "--checkpoint", runDir, "--sentences", "4"},
	} {
		out, err := runBench(t, args...)
		if err != nil {
			t.Fatalf("bench %q: %v", args, err)
		}
		if strings.Count(out, "\n") != 1 {
			t.Errorf("bench %q printed %q, want one line", args, out)
		}
		var got map[string]any
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatalf("bench %q printed %q: %v, want a JSON object", args, out, err)
		}
		for _, key := range []string{"tgt_tokens_per_s", "src_tokens_per_s", "step_ms", "translate_sents_per_s_greedy", "translate_sents_per_s_beam4"} {
			if v, ok := got[key].(float64); !ok || !(v > 0) {
				t.Errorf("bench %q: %s = %v, want a positive number", args, key, got[key])
			}
		}
		if v, ok := got["peak_rss_mb"].(float64); !ok || v < 0 {
			t.Errorf("bench %q: peak_rss_mb = %v, want a number >= 0", args, got["peak_rss_mb"])
		}
		if got["threads"] != float64(runtime.GOMAXPROCS(0)) || got["blas"] != graph.BLAS {
			t.Errorf("bench %q: threads %v blas %v, want %d and %s", args, got["threads"], got["blas"], runtime.GOMAXPROCS(0), graph.BLAS)
		}
	}
	if after := dirNames(t, micro.root); !slices.Equal(after, before) {
		t.Errorf("bench changed the test directory: %v, want %v", after, before)
	}
}

// dirNames lists every path under root, relative to it, in lexical order.
func dirNames(t *testing.T, root string) []string {
	t.Helper()
	var names []string
	err := fs.WalkDir(os.DirFS(root), ".", func(path string, _ fs.DirEntry, err error) error {
		names = append(names, path)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return names
}

func TestBenchErrors(t *testing.T) {
	config, _ := microRun(t)
	tests := []struct {
		args []string
		want string
	}{
		{[]string{}, "--config is required"},
		{[]string{"--config", config, "--steps", "0"}, "--steps 0 must be positive"},
		{[]string{"--config", config, "--warmup", "-1"}, "--warmup -1 must not be negative"},
		{[]string{"--config", config, "--sentences", "0"}, "--sentences 0 must be positive"},
		{[]string{"--config", config, "--checkpoint", t.TempDir()}, "no checkpoint in"},
	}
	for _, tt := range tests {
		_, err := runBench(t, tt.args...)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("bench %q: error %v, want one containing %q", tt.args, err, tt.want)
		}
	}
}

func TestParseVmHWM(t *testing.T) {
	tests := []struct {
		status string
		want   float64
	}{
		{"Name:\tx\nVmPeak:\t 9000 kB\nVmHWM:\t    2048 kB\nVmRSS:\t 100 kB\n", 2},
		{"VmHWM:\t1536 kB\n", 1.5},
		{"Name:\tx\n", 0},
		{"VmHWM:\tlots kB\n", 0},
		{"VmHWM:\t1024 MB\n", 0},
	}
	for _, tt := range tests {
		if got := parseVmHWM(strings.NewReader(tt.status)); got != tt.want {
			t.Errorf("parseVmHWM(%q) = %v, want %v", tt.status, got, tt.want)
		}
	}
}

func TestMedian(t *testing.T) {
	tests := []struct {
		xs   []float64
		want float64
	}{
		{nil, 0},
		{[]float64{3}, 3},
		{[]float64{5, 1, 3}, 3},
		{[]float64{4, 1, 3, 2}, 2.5},
	}
	for _, tt := range tests {
		in := slices.Clone(tt.xs)
		if got := median(in); got != tt.want {
			t.Errorf("median(%v) = %v, want %v", tt.xs, got, tt.want)
		}
	}
}

// TestWriteHeapProfile checks that --memprofile's writer produces a gzipped
// pprof file and that an unwritable path is an error naming it.
func TestWriteHeapProfile(t *testing.T) {
	path := t.TempDir() + "/heap.pprof"
	if err := writeHeapProfile(path); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) < 2 || b[0] != 0x1f || b[1] != 0x8b {
		t.Errorf("heap profile starts %x, want gzip's 1f8b", b[:min(len(b), 2)])
	}
	bad := t.TempDir() + "/missing/heap.pprof"
	if err := writeHeapProfile(bad); err == nil || !strings.Contains(err.Error(), "heap profile") {
		t.Errorf("writeHeapProfile(%s) = %v, want a heap profile error", bad, err)
	}
	if err := writeHeapProfile(""); err != nil {
		t.Errorf("writeHeapProfile(\"\") = %v, want nil", err)
	}
}
