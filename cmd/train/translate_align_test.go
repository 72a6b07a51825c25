package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/seq2seq/transformer/align"
)

// alignedLines splits translate --alignments output lines into the
// translations and their links.
func alignedLines(t *testing.T, lines []string) (hyps []string, links [][]align.Link) {
	t.Helper()
	for i, line := range lines {
		h, a, ok := strings.Cut(line, " ||| ")
		if !ok {
			t.Fatalf("line %d %q has no \" ||| \"", i+1, line)
		}
		l, err := align.ParseLine(a)
		if err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		hyps, links = append(hyps, h), append(links, l)
	}
	return hyps, links
}

// alignPairs aligns "source ||| translation" pairs with train align and
// the given flags, returning its Pharaoh lines and stderr.
func alignPairs(t *testing.T, srcs, hyps []string, args ...string) ([]string, string) {
	t.Helper()
	var in strings.Builder
	for i := range srcs {
		in.WriteString(srcs[i] + " ||| " + hyps[i] + "\n")
	}
	out, stderr, err := runAlign(t, in.String(), args...)
	if err != nil {
		t.Fatalf("align %q: %v", args, err)
	}
	return strings.Split(strings.TrimSuffix(out, "\n"), "\n"), stderr
}

// TestTranslateAlignments checks that --alignments appends " ||| " and the
// translation's own links to each unchanged translation: one link per
// output word, inside the sentence, and the links train align gives the
// source and that translation.
func TestTranslateAlignments(t *testing.T) {
	_, runDir := microRun(t)
	srcs := testSources(t)[:12]
	input := strings.Join(srcs, "\n") + "\n"
	plain, err := runTranslate(t, input, "--checkpoint", runDir)
	if err != nil {
		t.Fatal(err)
	}
	lines, err := runTranslate(t, input, "--checkpoint", runDir, "--alignments")
	if err != nil {
		t.Fatal(err)
	}
	hyps, links := alignedLines(t, lines)
	if strings.Join(hyps, "\n") != strings.Join(plain, "\n") {
		t.Fatalf("translations with --alignments differ from those without:\n%q\n%q", hyps, plain)
	}
	for i, ls := range links {
		ns, nt := len(strings.Fields(srcs[i])), len(strings.Fields(hyps[i]))
		if len(ls) != nt {
			t.Errorf("line %d: %d links for %d output words", i+1, len(ls), nt)
		}
		for _, l := range ls {
			if l.Src >= ns || l.Tgt >= nt {
				t.Errorf("line %d: link %s outside %d×%d words", i+1, l, ns, nt)
			}
		}
	}
	want, _ := alignPairs(t, srcs, hyps, "--checkpoint", runDir)
	for i := range lines {
		if got := align.FormatLine(links[i]); got != want[i] {
			t.Errorf("line %d: links %q, align gives %q", i+1, got, want[i])
		}
	}
}

// TestGuidedCheckpointDefaultHead trains micro with guided alignment on
// head 1 and checks that align and translate --alignments read that head
// by default (not the average), and that --average still reads the
// average.
func TestGuidedCheckpointDefaultHead(t *testing.T) {
	if testing.Short() {
		t.Skip("training run skipped in -short mode")
	}
	dir := t.TempDir()
	cfg := mainTestConfig(t, dir, func(s string) string {
		return strings.Replace(s, "  workers: 1 ", "  guided_alignment: {weight: 1, layer: -1, head: 1}\n  workers: 1 ", 1)
	})
	out := filepath.Join(dir, "out")
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), []string{"--config", cfg, "--out", out, "--steps", "20"}, nil, &stdout, &stderr); err != nil {
		t.Fatalf("train: %v\n%s", err, stderr.String())
	}
	ckpt := filepath.Join(out, "micro")
	srcs := testSources(t)[:12]
	lines, err := runTranslate(t, strings.Join(srcs, "\n")+"\n", "--checkpoint", ckpt, "--alignments")
	if err != nil {
		t.Fatal(err)
	}
	hyps, links := alignedLines(t, lines)
	byDefault, msg := alignPairs(t, srcs, hyps, "--checkpoint", ckpt)
	if !strings.Contains(msg, "layer 0, head 1, trained with guided alignment") {
		t.Errorf("align stderr %q does not name the guided head", msg)
	}
	head1, _ := alignPairs(t, srcs, hyps, "--checkpoint", ckpt, "--layer", "0", "--head", "1")
	average, _ := alignPairs(t, srcs, hyps, "--checkpoint", ckpt, "--average")
	if strings.Join(byDefault, "\n") != strings.Join(head1, "\n") {
		t.Errorf("align by default:\n%q\nwant the guided head's:\n%q", byDefault, head1)
	}
	if strings.Join(average, "\n") == strings.Join(head1, "\n") {
		t.Fatalf("the average and head 1 give the same links: the test cannot tell them apart")
	}
	for i := range links {
		if got := align.FormatLine(links[i]); got != head1[i] {
			t.Errorf("translate line %d: links %q, want the guided head's %q", i+1, got, head1[i])
		}
	}
}
