package serve

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/seq2seq/transformer/train"
)

// micro is configs/micro.yaml trained for 20 steps once per test binary,
// with its toy corpus (and gold alignments) and run under a directory
// TestMain removes.
var micro struct {
	once   sync.Once
	root   string
	runDir string
	err    error
}

func TestMain(m *testing.M) {
	root, err := os.MkdirTemp("", "serve-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "create test directory:", err)
		os.Exit(1)
	}
	micro.root = root
	code := m.Run()
	os.RemoveAll(root)
	os.Exit(code)
}

// microModel loads the micro checkpoint, training it on first use; under
// -short the calling test is skipped.
func microModel(t *testing.T) *train.Loaded {
	t.Helper()
	if testing.Short() {
		t.Skip("needs the trained micro checkpoint; training skipped in -short mode")
	}
	micro.once.Do(func() { micro.runDir, micro.err = trainMicro(micro.root) })
	if micro.err != nil {
		t.Fatalf("train the micro checkpoint: %v", micro.err)
	}
	l, err := train.LoadModel(micro.runDir)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// trainMicro trains configs/micro.yaml for 20 steps with its data and
// output under root and returns the run directory.
func trainMicro(root string) (string, error) {
	cfg, err := train.LoadConfig(filepath.Join("..", "configs", "micro.yaml"))
	if err != nil {
		return "", err
	}
	cfg.Data.Dir, cfg.Out = filepath.Join(root, "data"), filepath.Join(root, "out")
	res, err := train.Run(context.Background(), cfg, train.Options{Steps: 20, Stdout: &strings.Builder{}, Log: &strings.Builder{}})
	if err != nil {
		return "", err
	}
	return res.RunDir, nil
}
