package data

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeText writes text to dir/name and returns the path.
func writeText(t *testing.T, dir, name, text string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestReadParallelBOMNULAndLongLines checks the text-file rules: a
// byte-order mark is dropped (and reported), a NUL byte is an error naming
// the file and line, and a pair with a line over MaxLineBytes is dropped
// and counted.
func TestReadParallelBOMNULAndLongLines(t *testing.T) {
	dir := t.TempDir()
	src := writeText(t, dir, "a.src", BOM+"ein haus\nzwei\r\n")
	tgt := writeText(t, dir, "a.tgt", "a house\ntwo\n")
	var warn strings.Builder
	pairs, err := ReadParallelReport(src, tgt, &warn)
	if err != nil {
		t.Fatal(err)
	}
	if len(pairs) != 2 || pairs[0].Src[0] != "ein" || pairs[1].Src[0] != "zwei" {
		t.Errorf("pairs = %q, want the BOM dropped from the first word", pairs)
	}
	if !strings.Contains(warn.String(), "a.src starts with a byte-order mark") {
		t.Errorf("warnings %q do not report the BOM", warn.String())
	}

	nul := writeText(t, dir, "n.src", "ok\nbad\x00word\n")
	if _, err := ReadParallel(nul, tgt); err == nil || !strings.Contains(err.Error(), "n.src line 2: NUL byte") {
		t.Errorf("NUL byte: err = %v, want one naming n.src line 2", err)
	}

	long := writeText(t, dir, "l.src", "eins\n"+strings.Repeat("x ", MaxLineBytes/2+1)+"\ndrei\n")
	three := writeText(t, dir, "l.tgt", "one\ntwo\nthree\n")
	warn.Reset()
	pairs, err = ReadParallelReport(long, three, &warn)
	if err != nil {
		t.Fatal(err)
	}
	if len(pairs) != 2 || pairs[1].Tgt[0] != "three" {
		t.Errorf("pairs = %q, want the long line's pair dropped and the others aligned", pairs)
	}
	if !strings.Contains(warn.String(), "1 pairs dropped for a line over 1048576 bytes (first at line 2)") {
		t.Errorf("warnings %q do not count the dropped pair", warn.String())
	}
}

// TestLoadVocabBOMAndNUL checks LoadVocab's text-file rules.
func TestLoadVocabBOMAndNUL(t *testing.T) {
	dir := t.TempDir()
	v, err := LoadVocab(writeText(t, dir, "v", BOM+"<pad>\n<unk>\n<bos>\n<eos>\nhaus\n"))
	if err != nil {
		t.Fatal(err)
	}
	if v.Size() != 5 || v.Token(0) != Pad {
		t.Errorf("vocabulary %q, want the BOM dropped", v.Tokens())
	}
	if _, err := LoadVocab(writeText(t, dir, "w", "<pad>\n<unk>\n<bos>\n<eos>\nha\x00us\n")); err == nil || !strings.Contains(err.Error(), "line 5: NUL byte") {
		t.Errorf("NUL byte: err = %v, want one naming line 5", err)
	}
}
