package checkpoint

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Pointer file names in a run directory.
const (
	LatestFile = "latest"
	BestFile   = "best"
)

// tmpPrefix and oldPrefix mark directories of a save in progress.
const (
	tmpPrefix = ".tmp-"
	oldPrefix = ".old-"
)

// StepDirName returns the directory name of the checkpoint of step, e.g.
// "step-00000500".
func StepDirName(step int) string { return fmt.Sprintf("step-%08d", step) }

// Save writes st as the checkpoint directory <runDir>/step-NNNNNNNN (made
// with its parents if needed), points latest at it, and best too when best is
// true. It then deletes the oldest step directories so that keepLast remain
// besides the one best points to; the one latest points to is never deleted,
// and keepLast <= 0 keeps everything. A checkpoint of the same step is
// replaced.
//
// Save returns the new directory's path. If writing the checkpoint fails
// (a full disk, an unwritable directory) the error names the path, nothing
// of the new checkpoint is left, and earlier checkpoints and the pointers are
// as they were. If a later stage (a pointer, pruning) fails, the error says
// so and the returned path is the new, complete checkpoint.
func Save(runDir string, st *State, keepLast int, best bool) (path string, err error) {
	if err := st.validate(); err != nil {
		return "", fmt.Errorf("save checkpoint in %s: %w", runDir, err)
	}
	if err := os.MkdirAll(runDir, 0o755); err != nil {
		return "", fmt.Errorf("save checkpoint in %s: %w", runDir, err)
	}
	name := StepDirName(st.Step)
	final := filepath.Join(runDir, name)
	tmp := filepath.Join(runDir, tmpPrefix+name)
	if err := writeStepDir(tmp, st); err != nil {
		os.RemoveAll(tmp)
		return "", fmt.Errorf("save checkpoint %s: %w", final, err)
	}
	if err := moveIntoPlace(tmp, final); err != nil {
		os.RemoveAll(tmp)
		return "", fmt.Errorf("save checkpoint %s: %w", final, err)
	}
	if err := replaceFileAtomic(filepath.Join(runDir, LatestFile), []byte(name+"\n")); err != nil {
		return final, fmt.Errorf("save checkpoint %s: written, but the latest pointer was not updated: %w", final, err)
	}
	if best {
		if err := replaceFileAtomic(filepath.Join(runDir, BestFile), []byte(name+"\n")); err != nil {
			return final, fmt.Errorf("save checkpoint %s: written, but the best pointer was not updated: %w", final, err)
		}
	}
	if err := prune(runDir, keepLast); err != nil {
		return final, fmt.Errorf("save checkpoint %s: written, but pruning old checkpoints failed: %w", final, err)
	}
	return final, nil
}

// writeStepDir writes every file of st into a fresh directory dir, meta.json
// last, and fsyncs the directory.
func writeStepDir(dir string, st *State) error {
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("remove stale %s: %w", dir, err)
	}
	if err := os.Mkdir(dir, 0o755); err != nil {
		return fmt.Errorf("create directory: %w", err)
	}
	writers := []func(io.Writer) error{
		func(w io.Writer) error { return writeFloats(w, st.Params) },
		func(w io.Writer) error {
			return writeFloats(w, append(append([]Tensor(nil), st.AdamM...), st.AdamV...))
		},
		func(w io.Writer) error { _, err := w.Write(st.Config); return err },
		func(w io.Writer) error { return writeVocab(w, st.SrcVocab) },
		func(w io.Writer) error { return writeVocab(w, st.TgtVocab) },
	}
	names := stepFiles(len(st.SrcTokenizer) > 0)
	if len(st.SrcTokenizer) > 0 {
		writers = append(writers,
			func(w io.Writer) error { _, err := w.Write(st.SrcTokenizer); return err },
			func(w io.Writer) error { _, err := w.Write(st.TgtTokenizer); return err })
	}
	m := newMeta(st)
	for i, name := range names {
		fm, err := writeFile(filepath.Join(dir, name), writers[i])
		if err != nil {
			return err
		}
		m.Files = append(m.Files, fm)
	}
	data, err := m.encode()
	if err != nil {
		return err
	}
	if _, err := writeBytes(filepath.Join(dir, metaFile), data); err != nil {
		return err
	}
	if err := syncDir(dir); err != nil {
		return fmt.Errorf("sync directory %s: %w", dir, err)
	}
	return nil
}

// writeVocab writes one token a line.
func writeVocab(w io.Writer, tokens []string) error {
	for _, tok := range tokens {
		if _, err := io.WriteString(w, tok+"\n"); err != nil {
			return err
		}
	}
	return nil
}

// moveIntoPlace renames the finished directory tmp to final and fsyncs
// their parent. An existing final is moved aside first and deleted only
// once tmp is in place, or moved back if that fails.
func moveIntoPlace(tmp, final string) error {
	runDir := filepath.Dir(final)
	old := filepath.Join(runDir, oldPrefix+filepath.Base(final))
	_, statErr := os.Stat(final)
	replacing := statErr == nil
	if replacing {
		if err := os.RemoveAll(old); err != nil {
			return fmt.Errorf("remove stale %s: %w", old, err)
		}
		if err := renameFile(final, old); err != nil {
			return fmt.Errorf("move aside %s: %w", final, err)
		}
	}
	if err := renameFile(tmp, final); err != nil {
		if replacing {
			// Best effort: a failure here leaves old for removeLeftovers
			// to move back on the next save.
			renameFile(old, final)
		}
		return fmt.Errorf("rename %s to %s: %w", tmp, final, err)
	}
	if err := syncDir(runDir); err != nil {
		return fmt.Errorf("sync directory %s: %w", runDir, err)
	}
	if replacing {
		if err := os.RemoveAll(old); err != nil {
			return fmt.Errorf("remove replaced %s: %w", old, err)
		}
	}
	return nil
}

// prune deletes the oldest step directories of runDir beyond keepLast,
// never the targets of latest or best, and leftovers of interrupted saves.
func prune(runDir string, keepLast int) error {
	if err := removeLeftovers(runDir); err != nil {
		return err
	}
	if keepLast <= 0 {
		return nil
	}
	steps, err := ListSteps(runDir)
	if err != nil {
		return err
	}
	bestTarget, _ := readPointer(runDir, BestFile)
	latestTarget, _ := readPointer(runDir, LatestFile)
	var candidates []string
	for _, dir := range steps {
		if filepath.Base(dir) != bestTarget {
			candidates = append(candidates, dir)
		}
	}
	for _, dir := range candidates[:max(len(candidates)-keepLast, 0)] {
		if filepath.Base(dir) == latestTarget {
			continue
		}
		if err := os.RemoveAll(dir); err != nil {
			return fmt.Errorf("remove %s: %w", dir, err)
		}
	}
	return nil
}

// removeLeftovers cleans up after an interrupted save in runDir: it deletes
// temporary step directories, and moved-aside ones whose replacement is in
// place; one whose replacement never arrived is moved back.
func removeLeftovers(runDir string) error {
	entries, err := os.ReadDir(runDir)
	if err != nil {
		return fmt.Errorf("list %s: %w", runDir, err)
	}
	for _, e := range entries {
		n := e.Name()
		path := filepath.Join(runDir, n)
		switch {
		case !e.IsDir():
			if n == tmpPrefix+LatestFile || n == tmpPrefix+BestFile {
				if err := os.Remove(path); err != nil {
					return fmt.Errorf("remove leftover %s: %w", path, err)
				}
			}
		case strings.HasPrefix(n, tmpPrefix+"step-"):
			if err := os.RemoveAll(path); err != nil {
				return fmt.Errorf("remove leftover %s: %w", path, err)
			}
		case strings.HasPrefix(n, oldPrefix+"step-"):
			if err := restoreOrRemove(path, filepath.Join(runDir, strings.TrimPrefix(n, oldPrefix))); err != nil {
				return err
			}
		}
	}
	return nil
}

// restoreOrRemove moves the moved-aside directory old back to final when
// final is missing, and deletes it otherwise.
func restoreOrRemove(old, final string) error {
	if _, err := os.Stat(final); os.IsNotExist(err) {
		if err := renameFile(old, final); err != nil {
			return fmt.Errorf("restore %s to %s: %w", old, final, err)
		}
		return nil
	}
	if err := os.RemoveAll(old); err != nil {
		return fmt.Errorf("remove leftover %s: %w", old, err)
	}
	return nil
}

// SetLatest points runDir's latest pointer at the step directory name, for
// a resume that fell back past a damaged checkpoint or pointer.
func SetLatest(runDir, name string) error {
	if _, ok := parseStepDir(name); !ok {
		return fmt.Errorf("set latest in %s: %q is not a step directory name", runDir, name)
	}
	if err := replaceFileAtomic(filepath.Join(runDir, LatestFile), []byte(name+"\n")); err != nil {
		return fmt.Errorf("set latest in %s: %w", runDir, err)
	}
	return nil
}
