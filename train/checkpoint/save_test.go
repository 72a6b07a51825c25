package checkpoint

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestSaveLoadRoundTrip(t *testing.T) {
	runDir := filepath.Join(t.TempDir(), "tiny")
	want := testState(500)
	path := mustSave(t, runDir, want, 3, true)
	for _, p := range []string{path, runDir} {
		got, err := Load(p)
		if err != nil {
			t.Fatalf("Load(%q) error: %v", p, err)
		}
		assertStateEqual(t, got, want)
	}
	if got := readPointerFile(t, runDir, LatestFile); got != "step-00000500" {
		t.Errorf("latest = %q, want step-00000500", got)
	}
	if got := readPointerFile(t, runDir, BestFile); got != "step-00000500" {
		t.Errorf("best = %q, want step-00000500", got)
	}
	wantFiles := []string{"adam.bin", "config.yaml", "meta.json", "params.bin", "src.vocab", "tgt.vocab"}
	if got := entries(t, path); !reflect.DeepEqual(got, wantFiles) {
		t.Errorf("checkpoint files = %v, want %v", got, wantFiles)
	}
}

func TestSaveLoadSpecialValues(t *testing.T) {
	tests := []struct {
		name   string
		modify func(st *State)
	}{
		{"no best yet", func(st *State) { st.BestScore, st.BestStep = math.Inf(-1), 0 }},
		{"positive infinity", func(st *State) { st.BestScore = math.Inf(1) }},
		{"no adam state", func(st *State) { st.AdamM, st.AdamV, st.AdamStep = nil, nil, 0 }},
		{"empty optional fields", func(st *State) {
			st.Config, st.RNG, st.Data, st.SrcVocab, st.TgtVocab, st.Extra = nil, nil, nil, nil, nil, nil
		}},
		{"no params", func(st *State) { st.Params, st.AdamM, st.AdamV = nil, nil, nil }},
		{"step zero", func(st *State) { st.Step = 0 }},
		{"tiny score", func(st *State) { st.BestScore = 5e-324 }},
	}
	for _, tt := range tests {
		want := testState(7)
		tt.modify(want)
		runDir := t.TempDir()
		path := mustSave(t, runDir, want, 0, false)
		got, err := Load(path)
		if err != nil {
			t.Fatalf("%s: Load error: %v", tt.name, err)
		}
		assertStateEqual(t, got, want)
	}
}

func TestSaveDataIsCompacted(t *testing.T) {
	st := testState(1)
	st.Data = json.RawMessage("{ \"a\" : [1, 2] }")
	path := mustSave(t, t.TempDir(), st, 0, false)
	got, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got.Data) != `{"a":[1,2]}` {
		t.Errorf("Data = %s, want {\"a\":[1,2]}", got.Data)
	}
}

func TestSaveRejectsBadState(t *testing.T) {
	tests := []struct {
		name   string
		modify func(st *State)
		want   string
	}{
		{"shape mismatch", func(st *State) { st.Params[0].Shape = []int{4} }, `tensor "enc.0.w" has shape [4] but 6 values`},
		{"duplicate name", func(st *State) { st.Params[1].Name = "enc.0.w" }, `duplicate tensor name "enc.0.w"`},
		{"empty name", func(st *State) { st.Params[1].Name = "" }, "tensor 1 has no name"},
		{"adam order", func(st *State) { st.AdamM[0], st.AdamM[1] = st.AdamM[1], st.AdamM[0] }, "adam first moments: tensor 0"},
		{"adam count", func(st *State) { st.AdamV = st.AdamV[:1] }, "adam second moments: 1 tensors, want 3"},
		{"bad data", func(st *State) { st.Data = json.RawMessage("{") }, "data state is not valid JSON"},
		{"newline token", func(st *State) { st.TgtVocab[4] = "a\nb" }, `target vocabulary token 4 "a\nb" contains a newline`},
		{"negative step", func(st *State) { st.Step = -1 }, "negative step"},
	}
	for _, tt := range tests {
		st := testState(1)
		tt.modify(st)
		runDir := t.TempDir()
		_, err := Save(runDir, st, 0, false)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: Save error = %v, want one containing %q", tt.name, err, tt.want)
		}
		if got := entries(t, runDir); len(got) != 0 {
			t.Errorf("%s: rejected Save left %v", tt.name, got)
		}
	}
}

func TestSaveReplacesSameStep(t *testing.T) {
	runDir := t.TempDir()
	mustSave(t, runDir, testState(10), 3, false)
	again := testState(10)
	again.Params[2].Data[0] = 99
	path := mustSave(t, runDir, again, 3, false)
	got, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	assertStateEqual(t, got, again)
	if got, want := entries(t, runDir), []string{"latest", "step-00000010"}; !reflect.DeepEqual(got, want) {
		t.Errorf("run dir = %v, want %v", got, want)
	}
}

func TestSavePrunesKeepingBest(t *testing.T) {
	runDir := t.TempDir()
	for step := 100; step <= 800; step += 100 {
		best := step == 200 || step == 300
		mustSave(t, runDir, testState(step), 2, best)
	}
	want := []string{"best", "latest", "step-00000300", "step-00000700", "step-00000800"}
	if got := entries(t, runDir); !reflect.DeepEqual(got, want) {
		t.Errorf("after 8 saves with keepLast 2, run dir = %v, want %v", got, want)
	}
	if got := readPointerFile(t, runDir, BestFile); got != "step-00000300" {
		t.Errorf("best = %q, want step-00000300", got)
	}
}

func TestSaveKeepsAllWhenKeepLastZero(t *testing.T) {
	runDir := t.TempDir()
	for step := 1; step <= 4; step++ {
		mustSave(t, runDir, testState(step), 0, false)
	}
	steps, err := ListSteps(runDir)
	if err != nil || len(steps) != 4 {
		t.Errorf("ListSteps = %v, %v, want 4 steps", steps, err)
	}
}

func TestSavePruneKeepsLatestTarget(t *testing.T) {
	// A resume from an older checkpoint saves a step below existing ones:
	// the new latest must survive pruning.
	runDir := t.TempDir()
	for _, step := range []int{700, 800, 900} {
		mustSave(t, runDir, testState(step), 2, false)
	}
	mustSave(t, runDir, testState(100), 2, false)
	want := []string{"latest", "step-00000100", "step-00000800", "step-00000900"}
	if got := entries(t, runDir); !reflect.DeepEqual(got, want) {
		t.Errorf("run dir = %v, want %v", got, want)
	}
	st, err := Load(runDir)
	if err != nil || st.Step != 100 {
		t.Errorf("Load(runDir) = step %v, %v, want step 100", st, err)
	}
}

func TestSaveCleansLeftovers(t *testing.T) {
	runDir := t.TempDir()
	mustSave(t, runDir, testState(1), 3, false)
	mustSave(t, runDir, testState(2), 3, false)
	// A crash mid-save leaves a temporary directory, a moved-aside copy of a
	// directory that was replaced (deleted), and one whose replacement never
	// arrived (moved back).
	if err := os.Mkdir(filepath.Join(runDir, ".tmp-step-00000005"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(runDir, ".old-step-00000001"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(runDir, "step-00000002"), filepath.Join(runDir, ".old-step-00000002")); err != nil {
		t.Fatal(err)
	}
	mustSave(t, runDir, testState(3), 3, false)
	want := []string{"latest", "step-00000001", "step-00000002", "step-00000003"}
	if got := entries(t, runDir); !reflect.DeepEqual(got, want) {
		t.Errorf("run dir = %v, want %v", got, want)
	}
	for step := 1; step <= 2; step++ {
		got, err := Load(filepath.Join(runDir, StepDirName(step)))
		if err != nil {
			t.Fatalf("Load(step %d) after cleanup: %v", step, err)
		}
		assertStateEqual(t, got, testState(step))
	}
}

func TestStepDirName(t *testing.T) {
	tests := []struct {
		step int
		want string
	}{
		{0, "step-00000000"},
		{500, "step-00000500"},
		{123456789, "step-123456789"},
	}
	for _, tt := range tests {
		if got := StepDirName(tt.step); got != tt.want {
			t.Errorf("StepDirName(%d) = %q, want %q", tt.step, got, tt.want)
		}
		if step, ok := parseStepDir(tt.want); !ok || step != tt.step {
			t.Errorf("parseStepDir(%q) = %d, %v, want %d, true", tt.want, step, ok, tt.step)
		}
	}
	for _, bad := range []string{"step-", "step-1a", "latest", ".tmp-step-00000001", "step--1", "step-+1"} {
		if _, ok := parseStepDir(bad); ok {
			t.Errorf("parseStepDir(%q) ok = true, want false", bad)
		}
	}
}
