package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/seq2seq/transformer/train"
)

// The shared fixtures of the command's tests: configs/micro.yaml with its
// folders redirected (microConfig, mainTestConfig), the micro checkpoint
// trained once per test binary (microRun, microModel; skipped under
// -short, so that `go test -short` trains nothing), and the test binary
// re-run as the command itself (startMain).

// mainEnv, set to 1 in a re-run test binary's environment, makes TestMain
// run the command's main with the binary's arguments instead of the tests.
const mainEnv = "TRAIN_TEST_RUN_MAIN"

// micro is the checkpoint the tests share: configs/micro.yaml trained for
// 20 steps once per test binary, under a directory TestMain removes.
var micro struct {
	once     sync.Once
	root     string
	config   string // the micro config with its data and output under root
	runDir   string
	trainOut string // what training printed to stdout
	err      error
}

func TestMain(m *testing.M) {
	if os.Getenv(mainEnv) == "1" {
		main()
		return
	}
	root, err := os.MkdirTemp("", "cmd-train-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "create test directory:", err)
		os.Exit(1)
	}
	micro.root = root
	code := m.Run()
	os.RemoveAll(root)
	os.Exit(code)
}

// microRun returns the shared micro config and run directory, training the
// checkpoint on first use; under -short the calling test is skipped.
func microRun(t *testing.T) (config, runDir string) {
	t.Helper()
	if testing.Short() {
		t.Skip("needs the trained micro checkpoint; training skipped in -short mode")
	}
	micro.once.Do(func() { micro.err = trainMicro() })
	if micro.err != nil {
		t.Fatalf("train the micro checkpoint: %v", micro.err)
	}
	return micro.config, micro.runDir
}

// trainMicro writes the micro config with absolute data and output
// directories under micro.root and trains it.
func trainMicro() error {
	path, cfg, err := writeMicroConfig(micro.root, "micro", filepath.Join(micro.root, "data"), func(c *train.Config) {
		c.Out = filepath.Join(micro.root, "checkpoints")
	})
	if err != nil {
		return err
	}
	micro.config = path
	var stdout, stderr bytes.Buffer
	args := []string{"--config", micro.config, "--out", cfg.Out, "--steps", "20"}
	if err := run(context.Background(), args, strings.NewReader(""), &stdout, &stderr); err != nil {
		return fmt.Errorf("%w\n%s", err, stderr.String())
	}
	micro.runDir, micro.trainOut = cfg.RunDir(), stdout.String()
	return nil
}

// microModel loads the shared micro checkpoint.
func microModel(t *testing.T) *train.Loaded {
	t.Helper()
	_, runDir := microRun(t)
	l, err := train.LoadModel(runDir)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// writeMicroConfig writes configs/micro.yaml, decoded and re-encoded with
// its data directory dataDir, its output root under dir and edit applied,
// into dir as name.yaml; it returns the path and the config.
func writeMicroConfig(dir, name, dataDir string, edit func(*train.Config)) (string, *train.Config, error) {
	cfg, err := train.LoadConfig(filepath.Join("..", "..", "configs", "micro.yaml"))
	if err != nil {
		return "", nil, err
	}
	cfg.Data.Dir = dataDir
	cfg.Out = filepath.Join(dir, "unused-out") // tests pass --out or set it in edit
	if edit != nil {
		edit(cfg)
	}
	text, err := cfg.Marshal()
	if err != nil {
		return "", nil, err
	}
	path := filepath.Join(dir, name+".yaml")
	if err := os.WriteFile(path, text, 0o644); err != nil {
		return "", nil, err
	}
	return path, cfg, nil
}

// microConfig is writeMicroConfig for a test.
func microConfig(t *testing.T, dir, name, dataDir string, edit func(*train.Config)) string {
	t.Helper()
	path, _, err := writeMicroConfig(dir, name, dataDir, edit)
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// mainTestConfig writes configs/micro.yaml into dir with its data
// directory moved into dir and its text edited by edit (tests that keep the
// file's comments and layout), and returns the new file's path.
func mainTestConfig(t *testing.T, dir string, edit func(string) string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "configs", "micro.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Replace(string(b), "dir: data/micro", "dir: "+filepath.Join(dir, "data"), 1)
	if edit != nil {
		text = edit(text)
	}
	path := filepath.Join(dir, "micro.yaml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
