package main

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// TestFineTuneCommands runs the README's fine-tuning commands: export the
// micro checkpoint, import it, train from it with train.init_from on a new
// toy corpus, resume that run, and translate with the result.
func TestFineTuneCommands(t *testing.T) {
	if testing.Short() {
		t.Skip("training run skipped in -short mode")
	}
	_, runDir := microRun(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "model.safetensors")
	if _, err := runPort(t, "", "export", "--checkpoint", runDir, "--out", file); err != nil {
		t.Fatal(err)
	}
	imported := filepath.Join(dir, "imported")
	out, err := runPort(t, "", "import", "--safetensors", file, "--out", imported)
	if err != nil {
		t.Fatal(err)
	}
	var imp portResult
	if err := json.Unmarshal([]byte(out), &imp); err != nil {
		t.Fatalf("import printed %q: %v", out, err)
	}
	cfg := mainTestConfig(t, dir, func(s string) string {
		s = strings.Replace(s, "seed: 1 ", "seed: 2 ", 1)
		return strings.Replace(s, "  workers: 1", "  workers: 1\n  init_from: "+imported, 1)
	})
	ckpts := filepath.Join(dir, "out")
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), []string{"--config", cfg, "--out", ckpts, "--steps", "4"}, nil, &stdout, &stderr); err != nil {
		t.Fatalf("train: %v\n%s", err, stderr.String())
	}
	if want := "initialising weights from " + filepath.Join(imported, "step-00000000"); !strings.Contains(stderr.String(), want) {
		t.Errorf("train log does not contain %q:\n%s", want, stderr.String())
	}
	tuned := filepath.Join(ckpts, "micro")
	if err := run(context.Background(), []string{"--config", cfg, "--out", ckpts, "--steps", "6", "--resume"}, nil, &stdout, &stderr); err != nil {
		t.Fatalf("resume: %v\n%s", err, stderr.String())
	}
	out, err = runPort(t, "", "inspect", tuned)
	var info map[string]any
	if err != nil || json.Unmarshal([]byte(out), &info) != nil {
		t.Fatalf("inspect %s: %v\n%s", tuned, err, out)
	}
	if info["step"] != float64(6) || info["weights_sha256"] == imp.Weights {
		t.Errorf("inspect = %v, want step 6 and weights other than the imported %s", info, imp.Weights)
	}
	if out, err = runPort(t, "the dog sees a cat .\n", "translate", "--checkpoint", tuned, "--beam", "1"); err != nil || strings.Count(out, "\n") != 1 {
		t.Errorf("translate = %q, %v; want one line", out, err)
	}
}
