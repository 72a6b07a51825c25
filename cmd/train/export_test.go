package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"path/filepath"
	"strings"
	"testing"
)

// runPort runs a command line and returns its stdout.
func runPort(t *testing.T, stdin string, args ...string) (string, error) {
	t.Helper()
	var stdout bytes.Buffer
	err := run(context.Background(), args, strings.NewReader(stdin), &stdout, io.Discard)
	return stdout.String(), err
}

// portResult is what export and import print.
type portResult struct {
	Files      []string `json:"files"`
	Checkpoint string   `json:"checkpoint"`
	Weights    string   `json:"weights_sha256"`
}

// TestExportImportCommands exports the micro checkpoint, imports it back
// with the vocabularies and config found beside and inside the file, and
// requires the same weights, the same translations and a checkpoint that
// inspect, eval and attention accept.
func TestExportImportCommands(t *testing.T) {
	config, runDir := microRun(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "model.safetensors")
	out, err := runPort(t, "", "export", "--checkpoint", runDir, "--out", file)
	if err != nil {
		t.Fatal(err)
	}
	var exp portResult
	if err := json.Unmarshal([]byte(out), &exp); err != nil {
		t.Fatalf("export printed %q: %v", out, err)
	}
	if want := []string{file, filepath.Join(dir, "model.src.vocab"), filepath.Join(dir, "model.tgt.vocab")}; strings.Join(exp.Files, ",") != strings.Join(want, ",") {
		t.Errorf("export wrote %v, want %v", exp.Files, want)
	}
	imported := filepath.Join(dir, "imported")
	out, err = runPort(t, "", "import", "--safetensors", file, "--config", config, "--out", imported)
	if err != nil {
		t.Fatal(err)
	}
	var imp portResult
	if err := json.Unmarshal([]byte(out), &imp); err != nil {
		t.Fatalf("import printed %q: %v", out, err)
	}
	if imp.Weights != exp.Weights {
		t.Errorf("import weights_sha256 %s, export %s", imp.Weights, exp.Weights)
	}
	out, err = runPort(t, "", "inspect", imported)
	if err != nil || !strings.Contains(out, exp.Weights) {
		t.Errorf("inspect of the import: %v\n%s\nwant weights_sha256 %s", err, out, exp.Weights)
	}
	text := strings.Join(testSources(t)[:5], "\n") + "\n"
	want, err := runPort(t, text, "translate", "--checkpoint", runDir, "--beam", "2")
	if err != nil {
		t.Fatal(err)
	}
	got, err := runPort(t, text, "translate", "--checkpoint", imported, "--beam", "2")
	if err != nil || got != want {
		t.Errorf("translate from the import = %q (%v), from the original %q", got, err, want)
	}
	if _, err := runPort(t, "", "eval", "--config", config, "--checkpoint", imported, "--beam", "1"); err != nil {
		t.Errorf("eval of the import: %v", err)
	}
	if _, err := runPort(t, "", "attention", "--checkpoint", imported, "--text", testSources(t)[0], "--out", filepath.Join(dir, "a.png")); err != nil {
		t.Errorf("attention of the import: %v", err)
	}
}

func TestExportImportErrors(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"export", "--out", "x.safetensors"}, "--checkpoint and --out are required"},
		{[]string{"export", "--checkpoint", filepath.Join(dir, "none"), "--out", filepath.Join(dir, "x.safetensors")}, "no checkpoint at"},
		{[]string{"import", "--safetensors", "x.safetensors"}, "--safetensors and --out are required"},
		{[]string{"import", "--safetensors", filepath.Join(dir, "none.safetensors"), "--out", dir}, "none.safetensors"},
	} {
		if _, err := runPort(t, "", tc.args...); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: error %v, want one containing %q", tc.args, err, tc.want)
		}
	}
}
