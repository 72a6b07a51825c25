package checkpoint

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
)

// diskFull makes createFile return files that fail with ENOSPC once budget
// bytes have been written in all, and returns a func restoring the hook.
func diskFull(budget int) func() {
	orig := createFile
	left := budget
	createFile = func(path string) (syncWriteCloser, error) {
		f, err := orig(path)
		if err != nil {
			return nil, err
		}
		return &limitedFile{syncWriteCloser: f, left: &left}, nil
	}
	return func() { createFile = orig }
}

// limitedFile fails writes past a shared byte budget, as a full disk does.
type limitedFile struct {
	syncWriteCloser
	left *int
}

// Write writes what fits in the budget, then fails with ENOSPC.
func (f *limitedFile) Write(p []byte) (int, error) {
	if len(p) <= *f.left {
		*f.left -= len(p)
		return f.syncWriteCloser.Write(p)
	}
	n, _ := f.syncWriteCloser.Write(p[:*f.left])
	*f.left = 0
	return n, &os.PathError{Op: "write", Path: "fake", Err: syscall.ENOSPC}
}

// assertPreviousIntact checks that runDir still loads, through latest and
// through LoadLatestValid without a warning, as step 10 or, when
// newWritten, possibly step 20; that step 10 itself loads; and that no
// temporary directory is left.
func assertPreviousIntact(t *testing.T, runDir, context string, newWritten bool) {
	t.Helper()
	st, err := Load(runDir)
	if err != nil {
		t.Fatalf("%s: Load(runDir) error: %v", context, err)
	}
	if st.Step != 10 && !(newWritten && st.Step == 20) {
		t.Errorf("%s: Load(runDir) step = %d, want 10", context, st.Step)
	}
	if _, err := Load(filepath.Join(runDir, "step-00000010")); err != nil {
		t.Errorf("%s: Load(step 10) error: %v", context, err)
	}
	var warn strings.Builder
	if _, _, err := LoadLatestValid(runDir, &warn); err != nil || warn.Len() != 0 {
		t.Errorf("%s: LoadLatestValid = %v, warnings %q, want no error and no warning", context, err, warn.String())
	}
	for _, name := range entries(t, runDir) {
		if strings.HasPrefix(name, ".tmp-step-") {
			t.Errorf("%s: left temporary directory %s", context, name)
		}
	}
}

// saveSizeOfStep20 returns the bytes a Save of step 20 writes in all.
func saveSizeOfStep20(t *testing.T) int {
	total := 0
	orig := createFile
	createFile = func(path string) (syncWriteCloser, error) {
		f, err := orig(path)
		if err != nil {
			return nil, err
		}
		return &countingFile{syncWriteCloser: f, n: &total}, nil
	}
	defer func() { createFile = orig }()
	runDir := t.TempDir()
	mustSave(t, runDir, testState(20), 3, true)
	return total
}

// countingFile counts bytes written.
type countingFile struct {
	syncWriteCloser
	n *int
}

// Write counts and writes p.
func (f *countingFile) Write(p []byte) (int, error) {
	*f.n += len(p)
	return f.syncWriteCloser.Write(p)
}

// failurePoints returns byte budgets below total to fail a save at: every
// one near the start and the end (the pointer files), a spread between.
func failurePoints(total int) []int {
	var points []int
	for b := 0; b < total; b++ {
		if b < 24 || b > total-24 || b%151 == 0 {
			points = append(points, b)
		}
	}
	return points
}

func TestSaveDiskFullKeepsPrevious(t *testing.T) {
	total := saveSizeOfStep20(t)
	for _, budget := range failurePoints(total) {
		runDir := t.TempDir()
		mustSave(t, runDir, testState(10), 3, true)
		restore := diskFull(budget)
		path, err := Save(runDir, testState(20), 3, true)
		restore()
		context := fmt.Sprintf("disk full after %d of %d bytes", budget, total)
		if err == nil {
			t.Fatalf("%s: Save succeeded, want an error", context)
		}
		if !errors.Is(err, syscall.ENOSPC) || !strings.Contains(err.Error(), runDir) {
			t.Errorf("%s: Save error = %v, want ENOSPC naming a path in %s", context, err, runDir)
		}
		if path == "" {
			if _, serr := os.Stat(filepath.Join(runDir, "step-00000020")); serr == nil {
				t.Errorf("%s: failed Save returned no path but left step-00000020", context)
			}
		}
		assertPreviousIntact(t, runDir, context, path != "")
		if got := readPointerFile(t, runDir, BestFile); got != "step-00000010" {
			t.Errorf("%s: best = %q, want step-00000010 (best is written last)", context, got)
		}
	}
}

func TestSaveRenameAndSyncFailuresKeepPrevious(t *testing.T) {
	boom := errors.New("injected failure")
	tests := []struct {
		name    string
		install func() func()
	}{
		{"rename fails", func() func() {
			orig := renameFile
			renameFile = func(string, string) error { return boom }
			return func() { renameFile = orig }
		}},
		{"directory sync fails", func() func() {
			orig := syncDir
			syncDir = func(string) error { return boom }
			return func() { syncDir = orig }
		}},
		{"create fails", func() func() {
			orig := createFile
			createFile = func(string) (syncWriteCloser, error) { return nil, boom }
			return func() { createFile = orig }
		}},
	}
	for _, tt := range tests {
		runDir := t.TempDir()
		mustSave(t, runDir, testState(10), 3, true)
		restore := tt.install()
		_, err := Save(runDir, testState(20), 3, true)
		restore()
		if !errors.Is(err, boom) || !strings.Contains(err.Error(), runDir) {
			t.Errorf("%s: Save error = %v, want the injected failure naming a path in %s", tt.name, err, runDir)
		}
		assertPreviousIntact(t, runDir, tt.name, false)
	}
}

// TestSaveReadOnlyRunDir makes the run directory unwritable by chmod,
// which binds only a non-root user; TestSaveUnwritableAsRoot covers the
// same failure in ways that bind root too.
func TestSaveReadOnlyRunDir(t *testing.T) {
	runDir := t.TempDir()
	mustSave(t, runDir, testState(10), 3, true)
	if err := os.Chmod(runDir, 0o555); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(runDir, 0o755) })
	probe := filepath.Join(runDir, "probe")
	if f, err := os.Create(probe); err == nil {
		f.Close()
		os.Remove(probe)
		t.Skip("a read-only directory is writable here (running as root); TestSaveUnwritableAsRoot covers this")
	}
	_, err := Save(runDir, testState(20), 3, true)
	if err == nil || !strings.Contains(err.Error(), runDir) {
		t.Errorf("Save into a read-only run dir = %v, want an error naming %s", err, runDir)
	}
	assertPreviousIntact(t, runDir, "read-only run dir", false)
}

// TestSaveUnwritableAsRoot fails Save in ways no permission bit is needed
// for, so it runs as root too: a regular file where the run directory or
// one of its parents is expected (the file must come out unchanged), and a
// saved run whose pointer cannot be replaced because a directory holds the
// pointer's temporary name (the earlier checkpoint must stay the latest).
func TestSaveUnwritableAsRoot(t *testing.T) {
	const content = "a file the user keeps\n"
	tests := []struct {
		name string
		// setup prepares root and returns the run directory to save into
		// and the file that must keep content ("" for none).
		setup func(t *testing.T, root string) (runDir, file string)
		want  string
	}{
		{"run dir is a regular file", func(t *testing.T, root string) (string, string) {
			file := filepath.Join(root, "run")
			writeTestFile(t, file, content)
			return file, file
		}, "not a directory"},
		{"parent of run dir is a regular file", func(t *testing.T, root string) (string, string) {
			file := filepath.Join(root, "out")
			writeTestFile(t, file, content)
			return filepath.Join(file, "run"), file
		}, "not a directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			runDir, file := tt.setup(t, root)
			before := entries(t, root)
			path, err := Save(runDir, testState(20), 3, true)
			if err == nil || path != "" || !strings.Contains(err.Error(), runDir) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Save = %q, %v; want no path and an error naming %s saying %q", path, err, runDir, tt.want)
			}
			if got, _ := os.ReadFile(file); string(got) != content {
				t.Errorf("%s now holds %q, want it unchanged", file, got)
			}
			if after := entries(t, root); !reflect.DeepEqual(after, before) {
				t.Errorf("entries of %s went from %v to %v", root, before, after)
			}
		})
	}
	t.Run("pointer temporary name taken by a directory", func(t *testing.T) {
		runDir := t.TempDir()
		mustSave(t, runDir, testState(10), 3, true)
		blocker := filepath.Join(runDir, tmpPrefix+LatestFile)
		if err := os.MkdirAll(filepath.Join(blocker, "x"), 0o755); err != nil {
			t.Fatal(err)
		}
		path, err := Save(runDir, testState(20), 3, true)
		if err == nil || !strings.Contains(err.Error(), "latest pointer was not updated") {
			t.Fatalf("Save = %v, want an error saying the latest pointer was not updated", err)
		}
		if want := filepath.Join(runDir, StepDirName(20)); path != want {
			t.Errorf("Save path = %q, want the complete new checkpoint %q", path, want)
		}
		assertPreviousIntact(t, runDir, "pointer blocked", false)
		if got := readPointerFile(t, runDir, BestFile); got != StepDirName(10) {
			t.Errorf("best = %s, want %s: it must not move when latest could not", got, StepDirName(10))
		}
	})
}

// writeTestFile writes content to path or fails the test.
func writeTestFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
