package checkpoint

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// crash is the panic value of a simulated process crash.
type crash struct{}

// crashAt replaces the file-system hooks so that the n-th event (0-based)
// of file creation, write, file sync, rename and directory sync panics
// with crash{}, leaving the files as a killed process would: a write that
// crashes writes half its bytes first. It returns a func that restores the
// hooks and a pointer to the number of events so far. n < 0 never crashes.
func crashAt(n int) (restore func(), events *int) {
	count := 0
	step := func() {
		if count == n {
			count++
			panic(crash{})
		}
		count++
	}
	origCreate, origRename, origSync := createFile, renameFile, syncDir
	createFile = func(path string) (syncWriteCloser, error) {
		step()
		f, err := origCreate(path)
		if err != nil {
			return nil, err
		}
		return &crashingFile{syncWriteCloser: f, step: step, crashNext: func() bool { return count == n }}, nil
	}
	renameFile = func(from, to string) error { step(); return origRename(from, to) }
	syncDir = func(dir string) error { step(); return origSync(dir) }
	return func() { createFile, renameFile, syncDir = origCreate, origRename, origSync }, &count
}

// crashingFile counts writes and syncs as crash events.
type crashingFile struct {
	syncWriteCloser
	step      func()
	crashNext func() bool
}

// Write writes p, or half of it before crashing.
func (f *crashingFile) Write(p []byte) (int, error) {
	if f.crashNext() {
		f.syncWriteCloser.Write(p[:len(p)/2])
	}
	f.step()
	return f.syncWriteCloser.Write(p)
}

// Sync syncs unless it crashes.
func (f *crashingFile) Sync() error {
	f.step()
	return f.syncWriteCloser.Sync()
}

// saveCrashing runs Save with a crash at event n and reports whether it
// crashed.
func saveCrashing(t *testing.T, n int, runDir string, st *State, keepLast int, best bool) (crashed bool) {
	t.Helper()
	restore, _ := crashAt(n)
	defer restore()
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(crash); !ok {
				panic(r)
			}
			crashed = true
		}
	}()
	if _, err := Save(runDir, st, keepLast, best); err != nil {
		t.Fatalf("Save(step %d) with a crash at event %d returned an error instead: %v", st.Step, n, err)
	}
	return false
}

// saveEvents returns the number of crash events of a Save.
func saveEvents(t *testing.T, setup func(runDir string), st *State, keepLast int, best bool) int {
	t.Helper()
	runDir := t.TempDir()
	setup(runDir)
	restore, events := crashAt(-1)
	defer restore()
	if _, err := Save(runDir, st, keepLast, best); err != nil {
		t.Fatal(err)
	}
	return *events
}

// assertRecovers checks a run directory after a crash: latest and
// LoadLatestValid give one of the steps in want, bitwise intact; best, if
// present, names a checkpoint that loads; and the next Save succeeds and
// leaves no leftovers.
func assertRecovers(t *testing.T, runDir, context string, want ...int) (resumed int) {
	t.Helper()
	isWanted := func(step int) bool {
		for _, w := range want {
			if step == w {
				return true
			}
		}
		return false
	}
	var warn strings.Builder
	st, path, err := LoadLatestValid(runDir, &warn)
	if err != nil {
		t.Fatalf("%s: LoadLatestValid: %v", context, err)
	}
	if !isWanted(st.Step) || path != filepath.Join(runDir, StepDirName(st.Step)) {
		t.Errorf("%s: LoadLatestValid = step %d from %s, want one of steps %v", context, st.Step, path, want)
	}
	assertStateEqual(t, st, testState(st.Step))
	if st, err := Load(runDir); err == nil && !isWanted(st.Step) {
		t.Errorf("%s: Load(runDir) = step %d, want one of %v", context, st.Step, want)
	}
	if target, err := readPointer(runDir, BestFile); err == nil {
		if _, err := Load(filepath.Join(runDir, target)); err != nil {
			t.Errorf("%s: best names %s, which does not load: %v", context, target, err)
		}
	}
	mustSave(t, runDir, testState(30), 1, false)
	for _, name := range entries(t, runDir) {
		// A pointer's temporary file may stay (TestSaveRemovesPointerTempFiles).
		if strings.HasPrefix(name, ".") && name != ".tmp-"+BestFile {
			t.Errorf("%s: the next save left %s", context, name)
		}
	}
	steps, err := ListSteps(runDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range steps {
		if _, err := Load(dir); err != nil {
			t.Errorf("%s: after the next save %s does not load: %v", context, dir, err)
		}
	}
	if st, err := Load(runDir); err != nil || st.Step != 30 {
		t.Errorf("%s: after the next save Load(runDir) = %v, %v; want step 30", context, st, err)
	}
	return st.Step
}

// TestSaveSurvivesCrashAtEveryPoint simulates a process killed at every
// file-system event of a Save: writing a new checkpoint that becomes best
// and prunes an old one, and replacing a checkpoint of the same step (as
// an interrupt right after a periodic save does). Whatever the moment, the
// run directory must resume from a complete, intact checkpoint, and the
// next Save must clean up.
func TestSaveSurvivesCrashAtEveryPoint(t *testing.T) {
	tests := []struct {
		name  string
		setup func(runDir string)
		step  int
		best  bool
		want  []int // steps a resume may come back to
	}{
		{"new best checkpoint with pruning", func(runDir string) {
			mustSave(t, runDir, testState(10), 1, true)
			mustSave(t, runDir, testState(15), 1, false)
		}, 20, true, []int{15, 20}},
		{"same step replaced", func(runDir string) {
			mustSave(t, runDir, testState(10), 1, true)
			mustSave(t, runDir, testState(20), 1, false)
		}, 20, false, []int{10, 20}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := saveEvents(t, tt.setup, testState(tt.step), 1, tt.best)
			if n < 10 {
				t.Fatalf("a Save has only %d file-system events; are the hooks still used?", n)
			}
			var fellBack []string
			for k := 0; k < n; k++ {
				runDir := t.TempDir()
				tt.setup(runDir)
				if !saveCrashing(t, k, runDir, testState(tt.step), 1, tt.best) {
					t.Fatalf("event %d of %d did not crash", k, n)
				}
				context := fmt.Sprintf("crash at event %d of %d", k, n)
				if got := assertRecovers(t, runDir, context, tt.want...); got != tt.step {
					fellBack = append(fellBack, fmt.Sprintf("%d→step %d", k, got))
				}
			}
			t.Logf("%d crash points; resumes before the saved step: %v", n, fellBack)
		})
	}
}

// TestSaveRemovesPointerTempFiles leaves the temporary files of the two
// pointers, as a crash while writing them does, and checks that the next
// Save, one that does not move best, removes them.
func TestSaveRemovesPointerTempFiles(t *testing.T) {
	runDir := t.TempDir()
	mustSave(t, runDir, testState(10), 1, true)
	for _, name := range []string{LatestFile, BestFile} {
		if err := os.WriteFile(filepath.Join(runDir, ".tmp-"+name), []byte("step-000"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	mustSave(t, runDir, testState(20), 1, false)
	for _, name := range entries(t, runDir) {
		if strings.HasPrefix(name, ".") {
			t.Errorf("after a save the run directory keeps %s", name)
		}
	}
}
