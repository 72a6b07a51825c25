package tokenize

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestBPESaveLoad(t *testing.T) {
	lines := rawToyLines(t, 200)
	b, err := LearnBPE(lines, 200)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "bpe.tok")
	if err := b.Save(path); err != nil {
		t.Fatal(err)
	}
	back, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(back.Pieces(), b.Pieces()) {
		t.Fatal("loaded pieces differ")
	}
	for _, l := range lines[:50] {
		if !slices.Equal(back.Encode(l), b.Encode(l)) {
			t.Fatalf("loaded Encode(%q) = %q, want %q", l, back.Encode(l), b.Encode(l))
		}
	}
	sum, err := FileSHA256(path)
	if err != nil || len(sum) != 64 {
		t.Errorf("FileSHA256 = %q, %v", sum, err)
	}
}

func TestLoadErrors(t *testing.T) {
	b, err := LearnBPE([]string{"ab ac"}, 20)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	good := filepath.Join(dir, "good")
	if err := b.Save(good); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	checked := func(body string) string { return checkedBody(t, body) }
	flipped := strings.Replace(string(raw), "a b\n", "a c\n", 1)
	for _, tc := range []struct{ path, want string }{
		{filepath.Join(dir, "missing"), "no such file"},
		{write("flipped", flipped), "corrupt file: sha256 of the contents is"},
		{write("truncated", string(raw[:len(raw)-20])), "corrupt file"},
		{write("empty", ""), "corrupt file: no final sha256 line"},
		{write("magic", checked("other 1\nkind bpe\n")), "not a tokenizer file"},
		{write("kind", checked(fileMagic+"\nkind unigram\n")), "unknown kind \"unigram\""},
		{write("short", checked(fileMagic+"\nkind bpe\nnormalize nmt_nfkc\nunknown byte-fallback\nalphabet 3\na\n")), "bpe file ends early"},
		{write("badmerge", checked(fileMagic+"\nkind bpe\nnormalize nmt_nfkc\nunknown byte-fallback\nalphabet 1\na\nmerges 1\na x\n")), "uses a piece not made before it"},
	} {
		_, err := Load(tc.path)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Load(%s) error = %v, want one containing %q", filepath.Base(tc.path), err, tc.want)
		}
	}
}

// checkedBody appends the checksum line Save would write.
func checkedBody(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "f")
	if err := writeChecked(p, body); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestReadLinesInvalidUTF8(t *testing.T) {
	p := filepath.Join(t.TempDir(), "train.de")
	if err := os.WriteFile(p, []byte("gut\r\nauch gut\nschlecht \xc3\x28\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := ReadLines(p)
	if err == nil || !strings.HasSuffix(err.Error(), "train.de:3: invalid UTF-8") {
		t.Errorf("ReadLines error = %v, want one ending in train.de:3: invalid UTF-8", err)
	}
	if err := os.WriteFile(p, []byte("a\r\n\nb"), 0o644); err != nil {
		t.Fatal(err)
	}
	lines, err := ReadLines(p)
	if err != nil || !slices.Equal(lines, []string{"a", "", "b"}) {
		t.Errorf("ReadLines = %q, %v; want [a  b]", lines, err)
	}
}

func TestLearnBPEFiles(t *testing.T) {
	dir := t.TempDir()
	src, tgt := filepath.Join(dir, "train.en"), filepath.Join(dir, "train.de")
	if err := os.WriteFile(src, []byte("the dog\nthe cat\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(tgt, []byte("der hund\ndie \xffkatze\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LearnBPEFiles([]string{src, tgt}, 100); err == nil || !strings.Contains(err.Error(), "train.de:2: invalid UTF-8") {
		t.Errorf("LearnBPEFiles error = %v, want one naming train.de:2", err)
	}
	if err := os.WriteFile(tgt, []byte("der hund\ndie katze\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	b, err := LearnBPEFiles([]string{src, tgt}, 100)
	if err != nil {
		t.Fatal(err)
	}
	if got := b.Decode(b.Encode("die katze the dog")); got != "die katze the dog" {
		t.Errorf("round trip = %q", got)
	}
}
