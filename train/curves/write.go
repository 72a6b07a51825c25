package curves

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// FileName is the PNG the trainer keeps up to date in a run directory.
const FileName = "curves.png"

// Write renders the learning curves of the run in runDir (its
// metrics.jsonl) into the PNG file outPath, or <runDir>/curves.png when
// outPath is empty. It writes a temporary file beside outPath and renames it
// into place, so a reader never sees a half-written image; errors name the
// file at fault.
func Write(runDir, outPath string) (err error) {
	if outPath == "" {
		outPath = filepath.Join(runDir, FileName)
	}
	recs, err := ReadFile(filepath.Join(runDir, MetricsFile))
	if err != nil {
		return fmt.Errorf("plot %s: %w", runDir, err)
	}
	f, err := os.CreateTemp(filepath.Dir(outPath), "."+filepath.Base(outPath)+".tmp*")
	if err != nil {
		return fmt.Errorf("write curves %s: %w", outPath, err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	b := bufio.NewWriter(f)
	if err := Render(b, recs, filepath.Base(filepath.Clean(runDir))); err != nil {
		return fmt.Errorf("write curves %s: %w", outPath, err)
	}
	if err := errors.Join(b.Flush(), f.Chmod(0o644), f.Close()); err != nil {
		return fmt.Errorf("write curves %s: %w", outPath, err)
	}
	if err := os.Rename(f.Name(), outPath); err != nil {
		return fmt.Errorf("write curves %s: %w", outPath, err)
	}
	return nil
}
