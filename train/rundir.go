package train

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/seq2seq/transformer/train/checkpoint"
)

// claimRunDir locks the run directory for a run and checks that a fresh
// run does not write over another run's checkpoints: without opt.Resume or
// opt.From a directory holding checkpoints is refused, naming --resume and
// --overwrite, unless opt.Wipe clears it first. Dry runs (bench) touch
// nothing and take no lock.
func claimRunDir(dir string, opt Options) (*runLock, error) {
	if opt.DryRun {
		return nil, nil
	}
	if opt.Resume || opt.From != "" {
		return lockRunDir(dir, nil)
	}
	wipe := false
	lock, err := lockRunDir(dir, func() error {
		has, err := holdsRun(dir)
		switch {
		case err != nil:
			return err
		case has && !opt.Wipe:
			return fmt.Errorf("run directory %s already holds a run; continue it with --resume, start over with --overwrite (deletes it), or set another name", dir)
		}
		wipe = has
		return nil
	})
	if err != nil || !wipe {
		return lock, err
	}
	if err := clearRunDir(dir); err != nil {
		lock.release()
		return nil, err
	}
	lock.release() // the old lock file was moved aside with the old run
	return lockRunDir(dir, nil)
}

// holdsRun reports whether dir holds checkpoints or checkpoint pointers
// of an earlier run.
func holdsRun(dir string) (bool, error) {
	steps, err := checkpoint.ListSteps(dir)
	if err != nil {
		return false, err
	}
	if len(steps) > 0 {
		return true, nil
	}
	for _, name := range []string{checkpoint.LatestFile, checkpoint.BestFile} {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			return true, nil
		} else if !errors.Is(err, os.ErrNotExist) {
			return false, fmt.Errorf("check %s: %w", dir, err)
		}
	}
	return false, nil
}

// clearRunDir empties dir for --overwrite: it renames the directory aside
// in one step, creates it again empty, and only then deletes the old run,
// so that a crash leaves either the old run or an empty directory (and at
// worst a ".overwritten-" sibling to delete by hand).
func clearRunDir(dir string) error {
	aside := filepath.Join(filepath.Dir(dir), ".overwritten-"+filepath.Base(dir)+fmt.Sprintf("-%d", os.Getpid()))
	if err := os.Rename(dir, aside); err != nil {
		return fmt.Errorf("--overwrite: move %s aside: %w", dir, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("--overwrite: create %s: %w", dir, err)
	}
	if err := os.RemoveAll(aside); err != nil {
		return fmt.Errorf("--overwrite: delete the old run %s: %w", aside, err)
	}
	return nil
}
