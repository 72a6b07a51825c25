package checkpoint

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// ErrNoCheckpoint is wrapped by LoadLatestValid's error when a run
// directory holds no checkpoint at all, so a trainer can start afresh.
var ErrNoCheckpoint = errors.New("no checkpoint found")

// parseStepDir returns the step of a directory name like "step-00000500".
func parseStepDir(name string) (int, bool) {
	digits, ok := strings.CutPrefix(name, "step-")
	if !ok || digits == "" || strings.Trim(digits, "0123456789") != "" {
		return 0, false
	}
	step, err := strconv.Atoi(digits)
	return step, err == nil
}

// ListSteps returns the paths of the step directories in runDir, oldest
// step first. Other entries (pointers, temporary directories) are skipped.
func ListSteps(runDir string) ([]string, error) {
	entries, err := os.ReadDir(runDir)
	if err != nil {
		return nil, fmt.Errorf("list checkpoints: %w", err)
	}
	type stepDir struct {
		step int
		name string
	}
	var dirs []stepDir
	for _, e := range entries {
		if step, ok := parseStepDir(e.Name()); ok && e.IsDir() {
			dirs = append(dirs, stepDir{step, e.Name()})
		}
	}
	slices.SortFunc(dirs, func(a, b stepDir) int {
		if a.step != b.step {
			return a.step - b.step
		}
		return strings.Compare(a.name, b.name)
	})
	var paths []string
	for _, d := range dirs {
		paths = append(paths, filepath.Join(runDir, d.name))
	}
	return paths, nil
}

// LoadLatestValid loads the checkpoint latest points to in runDir. If the
// pointer or that checkpoint is missing or corrupt, it writes a warning line
// naming it to warn (nil discards) and falls back to the newest step
// directory, by step number, that loads cleanly, warning about each corrupt
// one it skips. It returns the state and its directory. With no checkpoint in
// runDir (or no runDir) the error wraps ErrNoCheckpoint; when checkpoints
// exist but none is valid it is a different error listing them.
func LoadLatestValid(runDir string, warn io.Writer) (*State, string, error) {
	if warn == nil {
		warn = io.Discard
	}
	steps, err := ListSteps(runDir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, "", fmt.Errorf("%w in %s", ErrNoCheckpoint, runDir)
	}
	if err != nil {
		return nil, "", err
	}
	tried := ""
	target, perr := readPointer(runDir, LatestFile)
	switch {
	case perr == nil:
		tried = filepath.Join(runDir, target)
		st, err := loadStepDir(tried)
		if err == nil {
			return st, tried, nil
		}
		fmt.Fprintf(warn, "warning: latest checkpoint %s is unusable: %v\n", tried, err)
	case errors.Is(perr, fs.ErrNotExist) && len(steps) == 0:
		return nil, "", fmt.Errorf("%w in %s", ErrNoCheckpoint, runDir)
	default:
		fmt.Fprintf(warn, "warning: pointer %s is unusable: %v\n", filepath.Join(runDir, LatestFile), perr)
	}
	return loadNewestValid(runDir, steps, tried, warn)
}

// loadNewestValid loads the newest of steps (skipping skip) that is valid.
func loadNewestValid(runDir string, steps []string, skip string, warn io.Writer) (*State, string, error) {
	var bad []string
	for i := len(steps) - 1; i >= 0; i-- {
		dir := steps[i]
		if dir == skip {
			continue
		}
		st, err := loadStepDir(dir)
		if err == nil {
			fmt.Fprintf(warn, "warning: falling back to checkpoint %s\n", dir)
			return st, dir, nil
		}
		fmt.Fprintf(warn, "warning: checkpoint %s is unusable: %v\n", dir, err)
		bad = append(bad, filepath.Base(dir))
	}
	if skip != "" {
		bad = append([]string{filepath.Base(skip)}, bad...)
	}
	if len(bad) == 0 {
		return nil, "", fmt.Errorf("%w in %s", ErrNoCheckpoint, runDir)
	}
	return nil, "", fmt.Errorf("no valid checkpoint in %s: %s all unusable", runDir, strings.Join(bad, ", "))
}
