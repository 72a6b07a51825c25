package main

import (
	"bytes"
	"context"
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/seq2seq/transformer/data"
	"github.com/seq2seq/transformer/train/heatmap"
)

// runAttention runs train attention with args and returns its stdout.
func runAttention(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var stdout bytes.Buffer
	err := run(context.Background(), append([]string{"attention"}, args...), strings.NewReader(""), &stdout, io.Discard)
	return stdout.String(), err
}

func TestAttentionPNG(t *testing.T) {
	_, runDir := microRun(t)
	l := microModel(t)
	text := testSources(t)[0] + " zzunknownword"
	srcLen := len(strings.Fields(text))
	tests := []struct {
		name  string
		flags []string
		self  bool
	}{
		{"default", nil, false},
		{"head", []string{"--head", "1"}, false},
		{"layer-average", []string{"--layer", "0", "--average"}, false},
		{"self", []string{"--self"}, true},
		{"self-head", []string{"--self", "--head", "0", "--layer", "0"}, true},
	}
	for _, tt := range tests {
		out := filepath.Join(t.TempDir(), tt.name+".png")
		args := append([]string{"--checkpoint", runDir, "--text", text, "--out", out}, tt.flags...)
		stdout, err := runAttention(t, args...)
		if err != nil {
			t.Errorf("attention %s: %v", tt.name, err)
			continue
		}
		lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
		if len(lines) != 2 || lines[1] != "wrote "+out {
			t.Errorf("attention %s printed %q, want the translation and %q", tt.name, stdout, "wrote "+out)
		}
		opt, _, err := parseAttention(args, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		m, translation, err := attentionMap(l, opt)
		if err != nil {
			t.Fatal(err)
		}
		if translation != lines[0] {
			t.Errorf("attention %s printed translation %q, want %q", tt.name, lines[0], translation)
		}
		wantRows := srcLen
		if !tt.self {
			wantRows = len(m.Rows) // the output tokens and EOS
			if m.Rows[len(m.Rows)-1] != data.EOS {
				t.Errorf("attention %s: last row %q, want %q", tt.name, m.Rows[len(m.Rows)-1], data.EOS)
			}
		}
		if len(m.Values) != wantRows || len(m.Rows) != wantRows || len(m.Values[0]) != srcLen || len(m.Cols) != srcLen {
			t.Errorf("attention %s: map %d×%d with %d×%d labels, want %d×%d", tt.name, len(m.Values), len(m.Values[0]), len(m.Rows), len(m.Cols), wantRows, srcLen)
		}
		checkPNGSize(t, out, m)
	}
}

// checkPNGSize decodes the PNG at path and compares its size with the one
// heatmap.Size predicts for m.
func checkPNGSize(t *testing.T, path string, m heatmap.Map) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("decode %s: %v", path, err)
	}
	w, h := heatmap.Size(m, heatmap.Options{})
	if got := img.Bounds().Size(); got.X != w || got.Y != h {
		t.Errorf("%s is %dx%d, want %dx%d", path, got.X, got.Y, w, h)
	}
}

func TestAttentionErrors(t *testing.T) {
	_, runDir := microRun(t)
	out := filepath.Join(t.TempDir(), "a.png")
	base := []string{"--checkpoint", runDir, "--text", "a dog", "--out", out}
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--text", "a", "--out", out}, "--checkpoint is required"},
		{[]string{"--checkpoint", runDir, "--text", "a"}, "--out is required"},
		{[]string{"--checkpoint", runDir, "--text", " \t", "--out", out}, "--text holds no tokens"},
		{[]string{"--checkpoint", filepath.Join(t.TempDir(), "none"), "--text", "a", "--out", out}, "no checkpoint at"},
		{slices.Concat(base, []string{"--layer", "1"}), "--layer 1 out of range: the model has 1 layers (0-0)"},
		{slices.Concat(base, []string{"--self", "--layer", "5"}), "--layer 5 out of range"},
		{slices.Concat(base, []string{"--layer", "-2"}), "--layer -2 out of range"},
		{slices.Concat(base, []string{"--head", "2"}), "--head 2 out of range: the model has 2 heads (0-1)"},
		{slices.Concat(base, []string{"--head", "0", "--average"}), "--head and --average exclude each other"},
		{[]string{"--checkpoint", runDir, "--text", "a", "--out", filepath.Join(t.TempDir(), "no", "a.png")}, "write heatmap"},
	}
	for _, tt := range tests {
		_, err := runAttention(t, tt.args...)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("attention %q: error %v, want one containing %q", tt.args, err, tt.want)
		}
	}
	if _, err := os.Stat(out); err == nil {
		t.Errorf("a failed attention command wrote %s", out)
	}
}

// TestTranslatorAttention checks the shapes of Translator.Attention and
// that its matrices are attention distributions: rows summing to 1, and
// the decoder's self-attention causal.
func TestTranslatorAttention(t *testing.T) {
	l := microModel(t)
	tr := l.Translator()
	src := l.Src.Encode(strings.Fields(testSources(t)[1]))
	outs, err := tr.Greedy([][]int{src})
	if err != nil {
		t.Fatal(err)
	}
	a, err := tr.Attention(src, outs[0])
	if err != nil {
		t.Fatal(err)
	}
	cfg := l.Model.Cfg
	rows := len(outs[0]) + 1
	checkAttention(t, "cross", a.Cross, cfg.DecoderLayers, cfg.Heads, rows, len(src))
	checkAttention(t, "decoder self", a.DecoderSelf, cfg.DecoderLayers, cfg.Heads, rows, rows)
	checkAttention(t, "encoder self", a.EncoderSelf, cfg.EncoderLayers, cfg.Heads, len(src), len(src))
	for _, heads := range a.DecoderSelf {
		for h, m := range heads {
			for i, row := range m {
				for j := i + 1; j < len(row); j++ {
					if row[j] != 0 {
						t.Errorf("decoder self head %d: [%d][%d] = %v, want 0 (causal)", h, i, j, row[j])
					}
				}
			}
		}
	}
	if _, err := tr.Attention(nil, outs[0]); err == nil {
		t.Errorf("Attention of an empty source: no error, want one")
	}
}

// checkAttention checks that att is layers × heads matrices of rows × cols
// whose rows sum to 1.
func checkAttention(t *testing.T, name string, att [][][][]float64, layers, heads, rows, cols int) {
	t.Helper()
	if len(att) != layers {
		t.Fatalf("%s: %d layers, want %d", name, len(att), layers)
	}
	for l, hs := range att {
		if len(hs) != heads {
			t.Fatalf("%s layer %d: %d heads, want %d", name, l, len(hs), heads)
		}
		for h, m := range hs {
			if len(m) != rows {
				t.Fatalf("%s layer %d head %d: %d rows, want %d", name, l, h, len(m), rows)
			}
			for i, row := range m {
				sum := 0.0
				for _, v := range row {
					sum += v
				}
				if len(row) != cols || math.Abs(sum-1) > 1e-4 {
					t.Errorf("%s layer %d head %d row %d: %d columns summing to %v, want %d summing to 1", name, l, h, i, len(row), sum, cols)
				}
			}
		}
	}
}
