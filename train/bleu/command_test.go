package bleu

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeRefs writes each reference text to a file in dir and returns the
// paths.
func writeRefs(t *testing.T, dir string, refs []string) []string {
	t.Helper()
	paths := make([]string, len(refs))
	for i, content := range refs {
		paths[i] = filepath.Join(dir, fmt.Sprintf("ref%d.txt", i))
		if err := os.WriteFile(paths[i], []byte(content), 0o644); err != nil {
			t.Fatalf("write reference: %v", err)
		}
	}
	return paths
}

// expandArgs replaces the {REFi} placeholders of a golden case's
// arguments with file paths.
func expandArgs(args, paths []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		for j, p := range paths {
			a = strings.ReplaceAll(a, fmt.Sprintf("{REF%d}", j), p)
		}
		out[i] = a
	}
	return out
}

// runCommand runs Command and returns its output.
func runCommand(args []string, stdin string) (string, error) {
	var out bytes.Buffer
	err := Command(args, strings.NewReader(stdin), &out)
	return out.String(), err
}

// cliCase is one case of a command golden file (testdata/cli.json,
// testdata/chrf_cli.json): sacrebleu's stdout for args, stdin and the
// reference files' contents.
type cliCase struct {
	Name   string
	Args   []string
	Refs   []string
	Stdin  string
	Stdout string
}

// TestCommandGolden runs every case of testdata/cli.json, whose stdout is
// what `python3 -m sacrebleu ARGS < stdin` printed (see golden_test.go):
// JSON and text output, widths, -b, --short, -lc, -tok, several
// references, CRLF, CR and missing final newlines, empty stdin, BOMs and
// Unicode.
func TestCommandGolden(t *testing.T) {
	for _, c := range loadGolden[cliCase](t, "cli.json") {
		if c.Name == "empty_stdin_one_empty_ref" {
			continue // deliberately differs: see TestCommandEmptyStdin
		}
		paths := writeRefs(t, t.TempDir(), c.Refs)
		got, err := runCommand(expandArgs(c.Args, paths), c.Stdin)
		if err != nil {
			t.Errorf("%s: Command(%q): %v", c.Name, c.Args, err)
			continue
		}
		if got != c.Stdout {
			t.Errorf("%s: Command(%q) printed\n%s\nwant\n%s", c.Name, c.Args, got, c.Stdout)
		}
	}
}

// TestCommandExample pins the small example of the package report: the
// same bytes sacreBLEU 2.6.0 prints, except for the version.
func TestCommandExample(t *testing.T) {
	ref := writeRefs(t, t.TempDir(), []string{"The cat sat on the mat.\nHello world!\n"})[0]
	hyp := "The cat sat on a mat.\nHello, world!\n"
	wantJSON := `{
 "name": "BLEU",
 "score": 40.1,
 "signature": "nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:go-seq2seq-1.0",
 "verbose_score": "81.8/55.6/28.6/20.0 (BP = 1.000 ratio = 1.100 hyp_len = 11 ref_len = 10)",
 "nrefs": "1",
 "case": "mixed",
 "eff": "no",
 "tok": "13a",
 "smooth": "exp",
 "version": "go-seq2seq-1.0"
}
`
	wantText := "BLEU|nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:go-seq2seq-1.0 = 40.15 " +
		"81.8/55.6/28.6/20.0 (BP = 1.000 ratio = 1.100 hyp_len = 11 ref_len = 10)\n"
	tests := []struct {
		args []string
		want string
	}{
		{[]string{ref}, wantJSON},
		{[]string{ref, "-f", "text", "-w", "2"}, wantText},
	}
	for _, tt := range tests {
		got, err := runCommand(tt.args, hyp)
		if err != nil {
			t.Fatalf("Command(%q): %v", tt.args, err)
		}
		if got != tt.want {
			t.Errorf("Command(%q) printed\n%s\nwant\n%s", tt.args, got, tt.want)
		}
	}
}

// TestCommandGzipRef checks that a reference ending in .gz is read
// decompressed, as sacreBLEU's smart_open does.
func TestCommandGzipRef(t *testing.T) {
	dir := t.TempDir()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write([]byte("The cat sat on the mat.\nHello world!\n")); err != nil {
		t.Fatalf("gzip: %v", err)
	}
	if err := zw.Close(); err != nil {
		t.Fatalf("gzip: %v", err)
	}
	path := filepath.Join(dir, "ref.txt.gz")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatalf("write: %v", err)
	}
	got, err := runCommand([]string{"-b", "-w", "2", path}, "The cat sat on a mat.\nHello, world!\n")
	if err != nil {
		t.Fatalf("Command: %v", err)
	}
	if want := "40.15\n"; got != want {
		t.Errorf("Command printed %q, want %q", got, want)
	}
}

// TestCommandErrors checks that bad invocations fail with errors that name
// the problem.
func TestCommandErrors(t *testing.T) {
	dir := t.TempDir()
	paths := writeRefs(t, dir, []string{"a\nb\nc\n", "a\nb\n"})
	three, two := paths[0], paths[1]
	missing := filepath.Join(dir, "missing.txt")
	tests := []struct {
		name  string
		args  []string
		stdin string
		wants []string
	}{
		{"too few hypotheses", []string{three}, "a\nb\n", []string{three, "3 lines", "2 hypothesis lines"}},
		{"too many hypotheses", []string{two}, "a\nb\nc\nd\n", []string{two, "2 lines", "4 hypothesis lines"}},
		{"second ref mismatched", []string{two, three}, "a\nb\n", []string{three, "3 lines", "2 hypothesis lines"}},
		{"missing ref", []string{missing}, "a\n", []string{"missing.txt", "no such file"}},
		{"no refs", []string{"-w", "2"}, "a\n", []string{"no reference files"}},
		{"unknown flag", []string{"--smooth-method", "floor", two}, "a\nb\n",
			[]string{`"--smooth-method"`, "-w/--width N", "-f/--format json|text", "-tok/--tokenize 13a|none", "-lc/--lowercase"}},
		{"bad tokenizer", []string{"-tok", "intl", two}, "a\nb\n", []string{`"intl"`, "13a", "none"}},
		{"bad format", []string{"-f", "latex", two}, "a\nb\n", []string{`"latex"`, "json, text"}},
		{"bad width", []string{"-w", "x", two}, "a\nb\n", []string{`"x"`}},
		{"negative width", []string{"-w", "-1", two}, "a\nb\n", []string{`"-1"`}},
		{"missing value", []string{two, "-w"}, "a\nb\n", []string{"-w", "needs a value"}},
		{"value on boolean", []string{"--lowercase=yes", two}, "a\nb\n", []string{"takes no value"}},
		{"tab-separated systems", []string{two}, "a\tx\nb\ty\n", []string{"tab", "multi-system"}},
		{"invalid utf-8", []string{two}, "a\n\xff\n", []string{"line 2", "UTF-8"}},
	}
	for _, tt := range tests {
		_, err := runCommand(tt.args, tt.stdin)
		if err == nil {
			t.Errorf("%s: Command(%q) error = nil, want one mentioning %q", tt.name, tt.args, tt.wants)
			continue
		}
		for _, w := range tt.wants {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: Command(%q) error = %q, want it to mention %q", tt.name, tt.args, err, w)
			}
		}
	}
}

// TestCommandFlagSpellings checks that the short, long, "=" and attached
// spellings of a flag are equivalent.
func TestCommandFlagSpellings(t *testing.T) {
	ref := writeRefs(t, t.TempDir(), []string{"The Cat sat.\n"})[0]
	// sacreBLEU 2.6.0 prints this line (with its own version) for all four
	// spellings below.
	want := "BLEU|nrefs:1|case:lc|eff:no|tok:none|smooth:exp|version:go-seq2seq-1.0 = 31.947 " +
		"50.0/33.3/25.0/25.0 (BP = 1.000 ratio = 1.333 hyp_len = 4 ref_len = 3)\n"
	spellings := [][]string{
		{"-f", "text", "-w", "3", "-lc", "-tok", "none", ref},
		{"--format", "text", "--width", "3", "--lowercase", "--tokenize", "none", ref},
		{"--format=text", "--width=3", "-lc", "--tokenize=none", ref},
		{"-ftext", "-w3", ref, "-tok=none", "-lc"},
	}
	for _, args := range spellings {
		got, err := runCommand(args, "the cat sat .\n")
		if err != nil {
			t.Errorf("Command(%q): %v", args, err)
			continue
		}
		if got != want {
			t.Errorf("Command(%q) printed %q, want %q", args, got, want)
		}
	}
}

// TestCommandHelp checks that -h prints the usage and succeeds.
func TestCommandHelp(t *testing.T) {
	got, err := runCommand([]string{"-h"}, "")
	if err != nil {
		t.Fatalf("Command(-h): %v", err)
	}
	if !strings.Contains(got, "usage: train bleu") || !strings.Contains(got, "--tokenize") {
		t.Errorf("Command(-h) printed %q, want the usage", got)
	}
}

// TestSplitLines checks the line splitting rules of reference files
// (only "\n") and stdin (universal newlines, at least one line).
func TestSplitLines(t *testing.T) {
	tests := []struct {
		in        string
		file, std []string
	}{
		{"", nil, []string{""}},
		{"\n", []string{""}, []string{""}},
		{"a", []string{"a"}, []string{"a"}},
		{"a\nb\n", []string{"a", "b"}, []string{"a", "b"}},
		{"a\n\n", []string{"a", ""}, []string{"a", ""}},
		{"a\r\nb", []string{"a\r", "b"}, []string{"a", "b"}},
		{"a\rb\r", []string{"a\rb\r"}, []string{"a", "b"}},
	}
	for _, tt := range tests {
		if got := splitFileLines(tt.in); fmt.Sprintf("%q", got) != fmt.Sprintf("%q", tt.file) {
			t.Errorf("splitFileLines(%q) = %q, want %q", tt.in, got, tt.file)
		}
		if got := splitStdinLines(tt.in); fmt.Sprintf("%q", got) != fmt.Sprintf("%q", tt.std) {
			t.Errorf("splitStdinLines(%q) = %q, want %q", tt.in, got, tt.std)
		}
	}
}

// TestCommandEmptyStdin checks that empty stdin is zero hypothesis lines,
// a line-count mismatch (sacreBLEU reads one empty line and scores 0), and
// that the message names train bleu.
func TestCommandEmptyStdin(t *testing.T) {
	for _, refs := range []string{"", "a reference\n"} {
		ref := writeRefs(t, t.TempDir(), []string{refs})[0]
		_, err := runCommand([]string{ref}, "")
		if err == nil || !strings.Contains(err.Error(), "stdin has 0 hypothesis lines") && refs != "" {
			t.Errorf("Command(%q) with empty stdin: err = %v, want a line-count mismatch", refs, err)
		}
		if err != nil && !strings.HasPrefix(err.Error(), "train bleu: ") {
			t.Errorf("error %q does not start with train bleu:", err)
		}
	}
}

// TestCommandBOMAndNUL checks that a byte-order mark at the start of a
// reference or of stdin is dropped (a perfect match still scores 100) and
// that a NUL byte is an error naming the line.
func TestCommandBOMAndNUL(t *testing.T) {
	dir := t.TempDir()
	ref := writeRefs(t, dir, []string{"\ufeffthe cat sat on the mat today\n"})[0]
	got, err := runCommand([]string{ref, "-b"}, "the cat sat on the mat today\n")
	if err != nil || strings.TrimSpace(got) != "100.0" {
		t.Errorf("BOM in reference: printed %q, %v; want 100.0", got, err)
	}
	plain := writeRefs(t, t.TempDir(), []string{"the cat sat on the mat today\n"})[0]
	got, err = runCommand([]string{plain, "-b"}, "\ufeffthe cat sat on the mat today\n")
	if err != nil || strings.TrimSpace(got) != "100.0" {
		t.Errorf("BOM on stdin: printed %q, %v; want 100.0", got, err)
	}
	_, err = runCommand([]string{plain}, "the cat\nsat on the\x00 mat today\n")
	if err == nil || !strings.Contains(err.Error(), "line 2 contains a NUL byte") {
		t.Errorf("NUL on stdin: err = %v, want line 2 contains a NUL byte", err)
	}
}
