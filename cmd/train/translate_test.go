package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/seq2seq/transformer/train"
)

// runTranslate runs train translate with args on input and returns the
// output lines.
func runTranslate(t *testing.T, input string, args ...string) ([]string, error) {
	t.Helper()
	var stdout bytes.Buffer
	err := run(context.Background(), append([]string{"translate"}, args...), strings.NewReader(input), &stdout, io.Discard)
	out := strings.TrimSuffix(stdout.String(), "\n")
	if out == "" && stdout.Len() == 0 {
		return nil, err
	}
	return strings.Split(out, "\n"), err
}

// testSources returns the micro corpus's test source sentences as lines.
func testSources(t *testing.T) []string {
	t.Helper()
	microRun(t)
	b, err := os.ReadFile(filepath.Join(micro.root, "data", "test.src"))
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
}

func TestTranslateLines(t *testing.T) {
	_, runDir := microRun(t)
	srcs := testSources(t)
	in := []string{srcs[0], "", "  \t ", srcs[1], "zzunknownword qqqq " + srcs[2], "\xff\xfe\x00\x01 binary \x80junk", ""}
	vocab := microModel(t).Tgt
	for _, beam := range []string{"1", "3"} {
		got, err := runTranslate(t, strings.Join(in, "\n")+"\n", "--checkpoint", runDir, "--beam", beam)
		if err != nil {
			t.Fatalf("translate --beam %s: %v", beam, err)
		}
		if len(got) != len(in) {
			t.Fatalf("translate --beam %s: %d lines %q, want %d", beam, len(got), got, len(in))
		}
		for i, line := range got {
			if strings.TrimSpace(in[i]) == "" && line != "" {
				t.Errorf("translate --beam %s: line %d = %q for a blank input, want it blank", beam, i+1, line)
			}
			if !utf8.ValidString(line) {
				t.Errorf("translate --beam %s: line %d = %q, want valid UTF-8", beam, i+1, line)
			}
			for _, tok := range strings.Fields(line) {
				if id := vocab.ID(tok); vocab.Token(id) != tok {
					t.Errorf("translate --beam %s: line %d has %q, want target vocabulary tokens", beam, i+1, tok)
				}
			}
		}
	}
}

// TestTranslateMatchesGreedy checks translate --beam 1 against the
// translator's greedy output, sentence by sentence.
func TestTranslateMatchesGreedy(t *testing.T) {
	_, runDir := microRun(t)
	l := microModel(t)
	tr := l.Translator()
	for _, src := range testSources(t)[:5] {
		got, err := runTranslate(t, src+"\n", "--checkpoint", runDir, "--beam", "1")
		if err != nil {
			t.Fatal(err)
		}
		ids, err := tr.Greedy([][]int{l.Src.Encode(strings.Fields(src))})
		if err != nil {
			t.Fatal(err)
		}
		want := []string{strings.Join(l.Tgt.Decode(ids[0]), " ")}
		if !slices.Equal(got, want) {
			t.Errorf("translate %q = %q, want %q", src, got, want)
		}
	}
}

// TestTranslateLongLines checks that megabyte lines, one of many words
// and one a single word without an end of line, are translated without a
// crash.
func TestTranslateLongLines(t *testing.T) {
	_, runDir := microRun(t)
	words := strings.Repeat("the dog ", 1<<17)
	word := strings.Repeat("x", 1<<20)
	got, err := runTranslate(t, "a dog\n"+words+"\n"+word, "--checkpoint", runDir, "--beam", "1")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Errorf("translate of 3 lines gave %d lines", len(got))
	}
}

func TestTranslateErrors(t *testing.T) {
	_, runDir := microRun(t)
	corrupt := corruptCopy(t, filepath.Join(runDir, "step-00000020"))
	tests := []struct {
		args []string
		want string
	}{
		{[]string{}, "--checkpoint is required"},
		{[]string{"--checkpoint", filepath.Join(t.TempDir(), "none")}, "no checkpoint at"},
		{[]string{"--checkpoint", t.TempDir()}, "no checkpoint in"},
		{[]string{"--checkpoint", corrupt}, "corrupt"},
		{[]string{"--checkpoint", runDir, "--beam", "-2"}, "--beam -2 out of range"},
		{[]string{"--checkpoint", runDir, "--beam", "0"}, "--beam 0 out of range"},
		{[]string{"--checkpoint", runDir, "--beam", "100000"}, "--beam 100000 out of range"},
		{[]string{"--checkpoint", runDir, "--bogus"}, "flag provided but not defined: -bogus"},
	}
	for _, tt := range tests {
		_, err := runTranslate(t, "a dog\n", tt.args...)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("translate %q: error %v, want one containing %q", tt.args, err, tt.want)
		}
	}
}

// corruptCopy copies the checkpoint step directory dir into a temporary
// directory with one byte of its weights flipped and returns the copy.
func corruptCopy(t *testing.T, dir string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), filepath.Base(dir))
	if err := os.CopyFS(dst, os.DirFS(dir)); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dst, "params.bin")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 0xff
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return dst
}

// TestBeamOneEqualsGreedy checks that beam search of width 1 without a
// length penalty gives greedy search's output on every test sentence of the
// micro corpus (with one, beam 1 may go on past an EOS greedy takes).
func TestBeamOneEqualsGreedy(t *testing.T) {
	config, _ := microRun(t)
	l := microModel(t)
	cfg, err := train.LoadConfig(config)
	if err != nil {
		t.Fatal(err)
	}
	c, err := train.LoadCorpus(cfg, l.Src, l.Tgt, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	tr := l.Translator()
	greedy, err := tr.Greedy(c.TestSrc)
	if err != nil {
		t.Fatal(err)
	}
	beam, err := tr.Beam(c.TestSrc, 1, train.LengthPenalty{Kind: train.PenaltyNone})
	if err != nil {
		t.Fatal(err)
	}
	for i := range c.TestSrc {
		if !slices.Equal(beam[i], greedy[i]) {
			t.Errorf("sentence %d: beam 1 = %v, want greedy's %v", i+1, beam[i], greedy[i])
		}
	}
}

func TestReadBatch(t *testing.T) {
	tests := []struct {
		in      string
		n       int
		want    [][]string
		wantEOF bool
	}{
		{"", 4, nil, true},
		{"a b\n", 4, [][]string{{"a", "b"}}, true},
		{"a b\n\n c \r\nd", 4, [][]string{{"a", "b"}, {}, {"c"}, {"d"}}, true},
		{"a\nb\nc\n", 2, [][]string{{"a"}, {"b"}}, false},
		{"\xffa b\xfe\n", 4, [][]string{{"\uFFFDa", "b\uFFFD"}}, true},
	}
	for _, tt := range tests {
		got, eof, err := readBatch(bufio.NewReader(strings.NewReader(tt.in)), tt.n)
		if err != nil || eof != tt.wantEOF || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("readBatch(%q, %d) = %q, %v, %v, want %q, %v, nil", tt.in, tt.n, got, eof, err, tt.want, tt.wantEOF)
		}
	}
}

func TestLengthGroups(t *testing.T) {
	ids := func(lens ...int) [][]int {
		out := make([][]int, len(lens))
		for i, n := range lens {
			out[i] = make([]int, n)
		}
		return out
	}
	tests := []struct {
		lens []int
		n    int
		want []int // group sizes
	}{
		{nil, 4, nil},
		{[]int{1, 2, 3}, 4, []int{3}},
		{[]int{1, 2, 3, 4, 5}, 2, []int{2, 2, 1}},
		{[]int{1, 6, 7, 30, 1000}, 16, []int{2, 1, 1, 1}},
	}
	for _, tt := range tests {
		var got []int
		for _, g := range lengthGroups(ids(tt.lens...), tt.n) {
			got = append(got, len(g))
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("lengthGroups(lengths %v, %d) sizes = %v, want %v", tt.lens, tt.n, got, tt.want)
		}
	}
}
