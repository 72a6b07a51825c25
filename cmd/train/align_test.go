package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/seq2seq/transformer/align"
	"github.com/seq2seq/transformer/data"
)

// runAlign runs train align with stdin and args and returns its stdout and
// stderr.
func runAlign(t *testing.T, stdin string, args ...string) (string, string, error) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), append([]string{"align"}, args...), strings.NewReader(stdin), &stdout, &stderr)
	return stdout.String(), stderr.String(), err
}

// microSplit reads a split of the micro run's toy corpus.
func microSplit(t *testing.T, split string) (pairs []data.Pair, alignPath string) {
	t.Helper()
	microRun(t)
	dir := filepath.Join(micro.root, "data")
	pairs, err := data.ReadSplit(dir, split, "src", "tgt")
	if err != nil {
		t.Fatal(err)
	}
	return pairs[:min(len(pairs), 40)], filepath.Join(dir, split+".align")
}

// TestAlignOutput checks the shape of the alignments (one line a pair, one
// link per target word with argmax, indices inside the sentence), that stdin
// and --src/--tgt give the same output, and that --gold's AER is that of
// the output against the gold file.
func TestAlignOutput(t *testing.T) {
	_, runDir := microRun(t)
	pairs, goldPath := microSplit(t, "test")
	dir := t.TempDir()
	var stdin, srcText, tgtText strings.Builder
	for _, p := range pairs {
		fmt.Fprintf(&stdin, "%s ||| %s\n", strings.Join(p.Src, " "), strings.Join(p.Tgt, " "))
		srcText.WriteString(strings.Join(p.Src, " ") + "\n")
		tgtText.WriteString(strings.Join(p.Tgt, " ") + "\n")
	}
	srcPath, tgtPath := filepath.Join(dir, "a.src"), filepath.Join(dir, "a.tgt")
	os.WriteFile(srcPath, []byte(srcText.String()), 0o644)
	os.WriteFile(tgtPath, []byte(tgtText.String()), 0o644)
	gold := filepath.Join(dir, "a.align")
	allGold, err := os.ReadFile(goldPath)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(allGold), "\n")
	os.WriteFile(gold, []byte(strings.Join(lines[:len(pairs)], "")), 0o644)

	for _, flags := range [][]string{nil, {"--layer", "0", "--head", "1"}, {"--best-head"}, {"--all-layers"}} {
		out, _, err := runAlign(t, stdin.String(), append([]string{"--checkpoint", runDir}, flags...)...)
		if err != nil {
			t.Fatalf("align %q: %v", flags, err)
		}
		pred, err := align.Read(strings.NewReader(out), "stdout")
		if err != nil {
			t.Fatal(err)
		}
		if len(pred) != len(pairs) {
			t.Fatalf("align %q: %d lines for %d pairs", flags, len(pred), len(pairs))
		}
		for i, links := range pred {
			tgtSeen := make([]int, len(pairs[i].Tgt))
			for _, l := range links {
				if l.Src >= len(pairs[i].Src) || l.Tgt >= len(pairs[i].Tgt) {
					t.Fatalf("line %d: link %s outside %d×%d words", i+1, l, len(pairs[i].Src), len(pairs[i].Tgt))
				}
				tgtSeen[l.Tgt]++
			}
			for j, n := range tgtSeen {
				if n != 1 {
					t.Fatalf("line %d: target word %d has %d links, want 1 (argmax)", i+1, j, n)
				}
			}
		}
		files, stderr, err := runAlign(t, "", append([]string{"--checkpoint", runDir, "--src", srcPath, "--tgt", tgtPath, "--gold", gold}, flags...)...)
		if err != nil {
			t.Fatalf("align --src --tgt %q: %v", flags, err)
		}
		if files != out {
			t.Errorf("align %q: --src/--tgt output differs from stdin's", flags)
		}
		goldLinks, err := align.ReadFile(gold, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		c := align.CountAll(pred, goldLinks)
		want := fmt.Sprintf("AER %.2f%% precision %.2f%% recall %.2f%%", 100*c.AER(), 100*c.Precision(), 100*c.Recall())
		if !strings.Contains(stderr, want) {
			t.Errorf("align %q --gold printed %q, want %q", flags, stderr, want)
		}
	}
}

// TestAlignRowsAreTargetWords checks the position mapping: row j of the
// alignment matrix is the decoder step that predicts target word j (input
// BOS + words before j); the step predicting EOS is dropped; columns are
// source words.
func TestAlignRowsAreTargetWords(t *testing.T) {
	l := microModel(t)
	pairs, _ := microSplit(t, "valid")
	p := pairs[0]
	a := &aligner{l: l, tr: l.Translator()}
	got, err := a.cross(p)
	if err != nil {
		t.Fatal(err)
	}
	att, err := a.tr.Attention(l.Src.Encode(p.Src), l.Tgt.Encode(p.Tgt))
	if err != nil {
		t.Fatal(err)
	}
	for li := range att.Cross {
		for h, m := range att.Cross[li] {
			if len(m) != len(p.Tgt)+1 || len(got[li][h]) != len(p.Tgt) {
				t.Fatalf("layer %d head %d: %d attention rows, %d alignment rows for %d target words", li, h, len(m), len(got[li][h]), len(p.Tgt))
			}
			if !reflect.DeepEqual(got[li][h], m[:len(p.Tgt)]) || len(got[li][h][0]) != len(p.Src) {
				t.Fatalf("layer %d head %d: alignment rows are not the first %d attention rows over %d source words", li, h, len(p.Tgt), len(p.Src))
			}
		}
	}
	if empty, err := a.cross(data.Pair{Src: p.Src}); err != nil || empty != nil {
		t.Errorf("cross of an empty target = %v, %v; want nil, nil", empty, err)
	}
}

func TestAlignReport(t *testing.T) {
	_, runDir := microRun(t)
	out, _, err := runAlign(t, "", "--checkpoint", runDir, "--report")
	if err != nil {
		t.Fatal(err)
	}
	layers := microModel(t).Model.Cfg.DecoderLayers
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 2+layers+2 || !strings.HasPrefix(lines[0], "| AER % | head 0 |") || !strings.HasPrefix(lines[2], "| layer 0 |") || !strings.HasPrefix(lines[len(lines)-2], "best head: layer ") {
		t.Errorf("report:\n%s\nwant a table of %d layers and the best head and average", out, layers)
	}
}

func TestAlignRejectsBadInput(t *testing.T) {
	_, runDir := microRun(t)
	pairs, _ := microSplit(t, "test")
	p := pairs[0]
	line := strings.Join(p.Src, " ") + " ||| " + strings.Join(p.Tgt, " ") + "\n"
	dir := t.TempDir()
	badGold := filepath.Join(dir, "bad.align")
	os.WriteFile(badGold, []byte(fmt.Sprintf("0-0 %d-0\n", len(p.Src))), 0o644)
	twoLines := filepath.Join(dir, "two.align")
	os.WriteFile(twoLines, []byte("0-0\n0-0\n"), 0o644)
	tests := []struct {
		name, stdin string
		args        []string
		want        string
	}{
		{"no separator", "a b c\n", nil, "stdin line 1"},
		{"gold index", line, []string{"--gold", badGold}, "bad.align line 1"},
		{"gold lines", line, []string{"--gold", twoLines}, "2 lines, want 1"},
		{"src alone", "", []string{"--src", "x"}, "--src and --tgt go together"},
		{"best and layer", line, []string{"--best-head", "--layer", "0"}, "--best-head chooses"},
		{"all and layer", line, []string{"--all-layers", "--layer", "1"}, "--all-layers averages"},
		{"head and average", line, []string{"--head", "0", "--average"}, "exclude each other"},
		{"layer range", line, []string{"--layer", "9"}, "layer 9 out of range"},
		{"threshold", line, []string{"--threshold", "2"}, "--threshold 2 outside"},
	}
	for _, tc := range tests {
		_, _, err := runAlign(t, tc.stdin, append([]string{"--checkpoint", runDir}, tc.args...)...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.want)
		}
	}
	if _, _, err := runAlign(t, line); err == nil || !strings.Contains(err.Error(), "--checkpoint is required") {
		t.Errorf("no checkpoint: error %v", err)
	}
}
