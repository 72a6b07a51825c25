package data

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadParallelErrors(t *testing.T) {
	long := strings.Repeat("tok ", 1<<18) // a 1 MiB line
	tests := []struct {
		name     string
		src, tgt string // file contents; "<dir>" makes a directory, "<none>" no file
		wantErr  []string
		wantLen  int
	}{
		{name: "ok", src: "a b\nc\n", tgt: "x\ny z\n", wantLen: 2},
		{name: "no final newline", src: "a b\nc", tgt: "x\ny", wantLen: 2},
		{name: "crlf accepted", src: "a b\r\nc\r\n", tgt: "x\r\ny\r\n", wantLen: 2},
		{name: "megabyte line accepted", src: long + "\n", tgt: "x\n", wantLen: 1},
		{name: "mismatched line counts", src: "a\nb\nc\n", tgt: "x\ny\n", wantErr: []string{"train.src", "train.tgt", "3 lines", "2 lines"}},
		{name: "zero-byte file", src: "", tgt: "x\n", wantErr: []string{"train.src", "empty file"}},
		{name: "blank line", src: "a\n\nb\n", tgt: "x\ny\nz\n", wantErr: []string{"train.src line 2", "empty line"}},
		{name: "whitespace-only line", src: "a\nb\n", tgt: "x\n \t\n", wantErr: []string{"train.tgt line 2", "empty line"}},
		{name: "invalid utf-8", src: "a\nb \xff\xfe\n", tgt: "x\ny\n", wantErr: []string{"train.src line 2", "invalid UTF-8"}},
		{name: "missing file", src: "<none>", tgt: "x\n", wantErr: []string{"train.src", "no such file"}},
		{name: "directory instead of file", src: "a\n", tgt: "<dir>", wantErr: []string{"train.tgt", "is a directory"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for ext, content := range map[string]string{"src": tt.src, "tgt": tt.tgt} {
				p := filepath.Join(dir, "train."+ext)
				switch content {
				case "<none>":
				case "<dir>":
					if err := os.Mkdir(p, 0o755); err != nil {
						t.Fatal(err)
					}
				default:
					if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
						t.Fatal(err)
					}
				}
			}
			pairs, err := ReadSplit(dir, "train", "src", "tgt")
			if tt.wantErr == nil {
				if err != nil || len(pairs) != tt.wantLen {
					t.Fatalf("ReadSplit = %d pairs, %v; want %d pairs", len(pairs), err, tt.wantLen)
				}
				return
			}
			if err == nil {
				t.Fatalf("ReadSplit = %d pairs, want an error", len(pairs))
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestReadParallelTokens(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.src"), []byte("  the  dog\tsees .\r\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "a.tgt"), []byte("der hund sieht .\n"), 0o644)
	pairs, err := ReadSplit(dir, "a", "src", "tgt")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(pairs[0].Src, "|"); got != "the|dog|sees|." {
		t.Errorf("source tokens %q, want %q", got, "the|dog|sees|.")
	}
}
