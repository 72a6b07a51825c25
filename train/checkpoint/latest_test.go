package checkpoint

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// threeCheckpoints saves steps 10, 20 and 30 into a fresh run directory.
func threeCheckpoints(t *testing.T) string {
	t.Helper()
	runDir := filepath.Join(t.TempDir(), "run")
	for _, step := range []int{10, 20, 30} {
		mustSave(t, runDir, testState(step), 0, false)
	}
	return runDir
}

func TestLoadLatestValid(t *testing.T) {
	step := func(n int) string { return StepDirName(n) }
	tests := []struct {
		name     string
		damage   func(t *testing.T, runDir string)
		wantStep int
		warnings [][]string // per expected warning line, substrings it holds
	}{
		{"intact", func(*testing.T, string) {}, 30, nil},
		{"latest corrupt", func(t *testing.T, runDir string) {
			flipBit(t, filepath.Join(runDir, step(30), paramsFile), 0)
		}, 20, [][]string{{"latest checkpoint", step(30) + " is unusable", filepath.Join(step(30), paramsFile) + " is corrupt: sha256"}, {"falling back to checkpoint", step(20)}}},
		{"two corrupt", func(t *testing.T, runDir string) {
			truncate(t, filepath.Join(runDir, step(30), adamFile), 4)
			flipBit(t, filepath.Join(runDir, step(20), metaFile), 40)
		}, 10, [][]string{
			{"latest checkpoint", filepath.Join(step(30), adamFile) + " is corrupt: size"},
			{"checkpoint", filepath.Join(step(20), metaFile) + " is corrupt"},
			{"falling back to checkpoint", step(10)},
		}},
		{"latest older and corrupt", func(t *testing.T, runDir string) {
			os.WriteFile(filepath.Join(runDir, LatestFile), []byte(step(10)+"\n"), 0o644)
			os.Remove(filepath.Join(runDir, step(10), metaFile))
		}, 30, [][]string{{"latest checkpoint", filepath.Join(step(10), metaFile) + " is corrupt: missing"}, {"falling back to checkpoint", step(30)}}},
		{"pointer missing", func(t *testing.T, runDir string) {
			os.Remove(filepath.Join(runDir, LatestFile))
		}, 30, [][]string{{"pointer", LatestFile + " is unusable", "no such file"}, {"falling back to checkpoint", step(30)}}},
		{"pointer garbage", func(t *testing.T, runDir string) {
			os.WriteFile(filepath.Join(runDir, LatestFile), []byte("st\x00ep\n"), 0o644)
		}, 30, [][]string{{"pointer", LatestFile + " is corrupt"}, {"falling back to checkpoint", step(30)}}},
		{"pointer to deleted dir", func(t *testing.T, runDir string) {
			os.RemoveAll(filepath.Join(runDir, step(30)))
		}, 20, [][]string{{"latest checkpoint", step(30) + " is unusable", "no such file"}, {"falling back to checkpoint", step(20)}}},
	}
	for _, tt := range tests {
		runDir := threeCheckpoints(t)
		tt.damage(t, runDir)
		var warn strings.Builder
		st, path, err := LoadLatestValid(runDir, &warn)
		if err != nil {
			t.Errorf("%s: LoadLatestValid error: %v", tt.name, err)
			continue
		}
		if st.Step != tt.wantStep || path != filepath.Join(runDir, step(tt.wantStep)) {
			t.Errorf("%s: LoadLatestValid = step %d at %s, want step %d", tt.name, st.Step, path, tt.wantStep)
		}
		assertStateEqual(t, st, testState(tt.wantStep))
		lines := strings.Split(strings.TrimSuffix(warn.String(), "\n"), "\n")
		if warn.Len() == 0 {
			lines = nil
		}
		if len(lines) != len(tt.warnings) {
			t.Errorf("%s: warnings = %q, want %d lines", tt.name, lines, len(tt.warnings))
			continue
		}
		for i, wants := range tt.warnings {
			for _, want := range wants {
				if !strings.HasPrefix(lines[i], "warning: ") || !strings.Contains(lines[i], want) {
					t.Errorf("%s: warning %d = %q, want one containing %q", tt.name, i, lines[i], want)
				}
			}
		}
	}
}

func TestLoadLatestValidNoCheckpoint(t *testing.T) {
	empty := t.TempDir()
	for _, runDir := range []string{empty, filepath.Join(empty, "absent")} {
		_, _, err := LoadLatestValid(runDir, nil)
		if !errors.Is(err, ErrNoCheckpoint) || !strings.Contains(err.Error(), runDir) {
			t.Errorf("LoadLatestValid(%q) = %v, want ErrNoCheckpoint naming the directory", runDir, err)
		}
	}
}

func TestLoadLatestValidAllCorrupt(t *testing.T) {
	runDir := threeCheckpoints(t)
	for _, step := range []int{10, 20, 30} {
		flipBit(t, filepath.Join(runDir, StepDirName(step), paramsFile), 1)
	}
	var warn strings.Builder
	_, _, err := LoadLatestValid(runDir, &warn)
	if err == nil || errors.Is(err, ErrNoCheckpoint) || !strings.Contains(err.Error(), "no valid checkpoint in "+runDir) {
		t.Errorf("LoadLatestValid with all corrupt = %v, want a no-valid-checkpoint error that is not ErrNoCheckpoint", err)
	}
	if got := strings.Count(warn.String(), "\n"); got != 3 {
		t.Errorf("warnings = %q, want 3 lines", warn.String())
	}
}

func TestListSteps(t *testing.T) {
	runDir := t.TempDir()
	for _, name := range []string{"step-00000020", "step-00000003", "step-100000000", ".tmp-step-00000040", "stepx", "logs"} {
		if err := os.Mkdir(filepath.Join(runDir, name), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(runDir, "step-00000050"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := ListSteps(runDir)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, name := range []string{"step-00000003", "step-00000020", "step-100000000"} {
		want = append(want, filepath.Join(runDir, name))
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ListSteps = %q, want %q", got, want)
	}
	if _, err := ListSteps(filepath.Join(runDir, "absent")); err == nil {
		t.Errorf("ListSteps(absent) error = nil, want one")
	}
}
