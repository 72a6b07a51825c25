package data

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestEnsureToyKeepsExistingFiles gives EnsureToy a directory holding a
// corpus of the user's with one of its six files missing, as when data.dir
// points at one's own corpus but data.toy was left at its default, true.
// The user's five files must survive, and the error must name the missing
// one.
func TestEnsureToyKeepsExistingFiles(t *testing.T) {
	dir := t.TempDir()
	mine := []byte("my own sentence\n")
	for _, name := range []string{"train.src", "train.tgt", "valid.src", "valid.tgt", "test.src"} {
		if err := os.WriteFile(filepath.Join(dir, name), mine, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	made, err := EnsureToy(dir, "src", "tgt", DefaultToyConfig())
	if err == nil || !strings.Contains(err.Error(), filepath.Join(dir, "test.tgt")) {
		t.Errorf("EnsureToy with test.tgt missing = %v, %v; want an error naming test.tgt", made, err)
	}
	for _, name := range []string{"train.src", "train.tgt", "valid.src", "valid.tgt", "test.src"} {
		if b, _ := os.ReadFile(filepath.Join(dir, name)); !bytes.Equal(b, mine) {
			t.Errorf("EnsureToy overwrote the user's %s", name)
		}
	}
}

// TestReadParallelSpecialFiles checks that a named pipe or a link to an
// endless device in place of a corpus file is an error at once, not a hang
// or a read that never ends, and that a symbolic link to a text file reads
// as the file.
func TestReadParallelSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "real.txt"), []byte("a b\nc\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "ok.tgt"), []byte("x\ny\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, "real.txt"), filepath.Join(dir, "ok.src")); err != nil {
		t.Fatal(err)
	}
	pairs, err := ReadSplit(dir, "ok", "src", "tgt")
	if err != nil || len(pairs) != 2 {
		t.Errorf("ReadSplit through a symbolic link = %d pairs, %v; want 2 pairs", len(pairs), err)
	}

	specials := map[string]func(path string) error{
		"named pipe":    func(p string) error { return syscall.Mkfifo(p, 0o644) },
		"link to zeros": func(p string) error { return os.Symlink("/dev/zero", p) },
		"dangling link": func(p string) error { return os.Symlink(filepath.Join(dir, "none"), p) },
	}
	for name, mk := range specials {
		split := strings.ReplaceAll(name, " ", "-")
		if err := mk(filepath.Join(dir, split+".src")); err != nil {
			t.Logf("%s: cannot make one here: %v", name, err)
			continue
		}
		if err := os.WriteFile(filepath.Join(dir, split+".tgt"), []byte("x\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() {
			_, err := ReadSplit(dir, split, "src", "tgt")
			done <- err
		}()
		select {
		case err := <-done:
			if err == nil || !strings.Contains(err.Error(), split+".src") {
				t.Errorf("%s as a corpus file: error %v, want one naming %s.src", name, err, split)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("%s as a corpus file: ReadSplit still running after 5s", name)
		}
	}
}
