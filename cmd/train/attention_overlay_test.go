package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/seq2seq/transformer/align"
	"github.com/seq2seq/transformer/train/heatmap"
)

// TestAttentionOverlay draws a test pair forced through the model with its
// gold links from --gold and from --links: the map carries the gold cells
// (row: target word, column: source word) and one argmax cell per target
// word, and the PNG differs from the one without the overlay.
func TestAttentionOverlay(t *testing.T) {
	_, runDir := microRun(t)
	l := microModel(t)
	pairs, alignPath := microSplit(t, "test")
	p := pairs[0]
	goldText, err := os.ReadFile(alignPath)
	if err != nil {
		t.Fatal(err)
	}
	line := strings.SplitN(string(goldText), "\n", 2)[0]
	dir := t.TempDir()
	goldFile := filepath.Join(dir, "one.align")
	os.WriteFile(goldFile, []byte(line+"\n"), 0o644)
	base := []string{"--checkpoint", runDir, "--text", strings.Join(p.Src, " "), "--target", strings.Join(p.Tgt, " ")}
	plainPNG := filepath.Join(dir, "plain.png")
	if _, err := runAttention(t, append(base, "--out", plainPNG)...); err != nil {
		t.Fatal(err)
	}
	plain, _ := os.ReadFile(plainPNG)
	for _, flags := range [][]string{{"--gold", goldFile}, {"--links", line}} {
		out := filepath.Join(dir, "overlay.png")
		args := slices.Concat(base, []string{"--out", out}, flags)
		if _, err := runAttention(t, args...); err != nil {
			t.Fatalf("attention %q: %v", flags, err)
		}
		got, _ := os.ReadFile(out)
		if bytes.Equal(got, plain) {
			t.Errorf("attention %q: the PNG is the one without overlay", flags)
		}
		opt, _, err := parseAttention(args, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		m, _, err := attentionMap(l, opt)
		if err != nil {
			t.Fatal(err)
		}
		links, err := align.ParseLine(line)
		if err != nil {
			t.Fatal(err)
		}
		var want []heatmap.Cell
		for _, k := range links {
			want = append(want, heatmap.Cell{Row: k.Tgt, Col: k.Src})
		}
		if !reflect.DeepEqual(m.Gold, want) {
			t.Errorf("attention %q: gold cells %v, want %v", flags, m.Gold, want)
		}
		if len(m.Predicted) != len(p.Tgt) {
			t.Errorf("attention %q: %d predicted cells for %d target words", flags, len(m.Predicted), len(p.Tgt))
		}
		for j, c := range m.Predicted {
			row := m.Values[c.Row]
			if c.Row != j || slices.Max(row) != row[c.Col] {
				t.Errorf("attention %q: predicted cell %v is not row %d's argmax", flags, c, j)
			}
		}
	}
}

func TestAttentionOverlayErrors(t *testing.T) {
	_, runDir := microRun(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "a.png")
	two := filepath.Join(dir, "two.align")
	os.WriteFile(two, []byte("0-0\n1-1\n"), 0o644)
	base := []string{"--checkpoint", runDir, "--text", "a dog", "--out", out}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--gold", two, "--links", "0-0"}, "--gold and --links exclude each other"},
		{[]string{"--self", "--links", "0-0"}, "not --self"},
		{[]string{"--links", "0-0 x"}, "--gold/--links"},
		{[]string{"--gold", two}, "2 lines, want the one line"},
		{[]string{"--gold", filepath.Join(dir, "none")}, "--gold"},
		{[]string{"--target", "a b", "--links", "2-0"}, "gold link 2-0 outside the 2 source and 2 target words"},
		{[]string{"--target", "a b", "--links", "0-2"}, "gold link 0-2 outside"},
		{[]string{"--target", " "}, "--target holds no tokens"},
	} {
		_, err := runAttention(t, append(slices.Clone(base), tc.args...)...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("attention %q: error %v, want one containing %q", tc.args, err, tc.want)
		}
	}
	if _, err := os.Stat(out); err == nil {
		t.Errorf("a failed attention command wrote %s", out)
	}
}
