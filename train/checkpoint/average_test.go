package checkpoint

import (
	"errors"
	"math"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// avgState returns a finite state of step whose parameters are data.
func avgState(step int, w, b []float32) *State {
	st := testState(step)
	st.Params = []Tensor{
		{Name: "enc.0.w", Shape: []int{2, 2}, Data: w},
		{Name: "enc.0.b", Shape: []int{2}, Data: b},
	}
	st.AdamM, st.AdamV = nil, nil
	return st
}

func TestAverageExactMean(t *testing.T) {
	big := float32(3e38) // the float32 sum of two overflows; the mean does not
	tests := []struct {
		name   string
		states []*State
		wantW  []float32
		wantB  []float32
	}{
		{"two", []*State{
			avgState(10, []float32{1, -2, 0.5, big}, []float32{0, 3}),
			avgState(20, []float32{2, 2, 0.25, big}, []float32{-1, 4}),
		}, []float32{1.5, 0, 0.375, big}, []float32{-0.5, 3.5}},
		{"three, rounded once", []*State{
			avgState(10, []float32{1, 0, 0, 0}, []float32{1, 0.1}),
			avgState(20, []float32{2, 0, 0, 0}, []float32{1, 0.2}),
			avgState(30, []float32{4, 0, 0, 1}, []float32{1, 0.3}),
		}, []float32{float32(7.0 / 3), 0, 0, float32(1.0 / 3)},
			[]float32{1, float32((float64(float32(0.1)) + float64(float32(0.2)) + float64(float32(0.3))) / 3)}},
		{"one", []*State{avgState(5, []float32{1, 2, 3, 4}, []float32{5, 6})},
			[]float32{1, 2, 3, 4}, []float32{5, 6}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			names := make([]string, len(tt.states))
			for i, st := range tt.states {
				names[i] = StepDirName(st.Step)
			}
			got, err := Average(tt.states, names)
			if err != nil {
				t.Fatal(err)
			}
			want := []Tensor{
				{Name: "enc.0.w", Shape: []int{2, 2}, Data: tt.wantW},
				{Name: "enc.0.b", Shape: []int{2}, Data: tt.wantB},
			}
			if !reflect.DeepEqual(toBits(got.Params), toBits(want)) {
				t.Errorf("Params = %v, want %v", got.Params, want)
			}
			last := tt.states[len(tt.states)-1]
			if got.Step != last.Step || got.AdamStep != 0 || got.AdamM != nil || got.AdamV != nil {
				t.Errorf("step %d, adam step %d, %d moments; want step %d and no optimizer state", got.Step, got.AdamStep, len(got.AdamM), last.Step)
			}
			if got.Extra[AveragedFromKey] != strings.Join(names, ",") {
				t.Errorf("Extra = %v, want %s=%s", got.Extra, AveragedFromKey, strings.Join(names, ","))
			}
		})
	}
}

func TestAverageMismatch(t *testing.T) {
	base := func() *State { return avgState(10, []float32{1, 2, 3, 4}, []float32{5, 6}) }
	tests := []struct {
		name string
		edit func(*State)
		want string
	}{
		{"shape", func(s *State) { s.Params[0].Shape = []int{4, 1} }, `"enc.0.w" [4 1], want "enc.0.w" [2 2]`},
		{"name", func(s *State) { s.Params[1].Name = "enc.0.bias" }, `"enc.0.bias"`},
		{"tensor count", func(s *State) { s.Params = s.Params[:1] }, "1 tensors, want 2"},
		{"order", func(s *State) { s.Params[0], s.Params[1] = s.Params[1], s.Params[0] }, `tensor 0 is "enc.0.b"`},
		{"source vocabulary", func(s *State) { s.SrcVocab = s.SrcVocab[:3] }, "source vocabularies differ"},
		{"target vocabulary", func(s *State) { s.TgtVocab[4] = "hi" }, "target vocabularies differ"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			other := base()
			other.Step = 20
			tt.edit(other)
			_, err := Average([]*State{base(), other}, []string{"step-00000010", "step-00000020"})
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "step-00000020") {
				t.Fatalf("Average = %v, want an error naming step-00000020 and containing %q", err, tt.want)
			}
		})
	}
	if _, err := Average(nil, nil); err == nil {
		t.Error("Average(no states) succeeded, want an error")
	}
}

func TestAverageLast(t *testing.T) {
	runDir := t.TempDir()
	for i, step := range []int{10, 20, 30} {
		f := float32(i)
		mustSave(t, runDir, avgState(step, []float32{f, 2 * f, -f, 1}, []float32{f, 0}), 0, false)
	}
	st, err := AverageLast(runDir, 2)
	if err != nil {
		t.Fatal(err)
	}
	want := []float32{1.5, 3, -1.5, 1}
	if !reflect.DeepEqual(st.Params[0].Data, want) || st.Step != 30 {
		t.Fatalf("AverageLast(2) = step %d %v, want step 30 %v", st.Step, st.Params[0].Data, want)
	}
	if got := st.Extra[AveragedFromKey]; got != "step-00000020,step-00000030" {
		t.Errorf("averaged from %q", got)
	}
	out := filepath.Join(t.TempDir(), "avg")
	mustSave(t, out, st, 0, true)
	back, err := Load(out)
	if err != nil {
		t.Fatal(err)
	}
	assertStateEqual(t, back, st)
	if _, err := Inspect(out); err != nil {
		t.Errorf("Inspect(averaged) = %v", err)
	}
}

func TestAverageLastErrors(t *testing.T) {
	full := t.TempDir()
	mustSave(t, full, avgState(10, []float32{1, 2, 3, 4}, []float32{5, 6}), 0, false)
	mustSave(t, full, avgState(20, []float32{1, 2, 3, 4}, []float32{5, 6}), 0, false)
	mixed := t.TempDir()
	mustSave(t, mixed, avgState(10, []float32{1, 2, 3, 4}, []float32{5, 6}), 0, false)
	wide := avgState(20, []float32{1, 2, 3, 4, 5, 6}, []float32{5, 6})
	wide.Params[0].Shape = []int{2, 3}
	mustSave(t, mixed, wide, 0, false)
	empty := t.TempDir()
	tests := []struct {
		name, runDir string
		k            int
		want         string
		is           error
	}{
		{"more than available", full, 3, "last 3 checkpoints asked for, the run has 2", nil},
		{"zero", full, 0, "--last 0", nil},
		{"empty run dir", empty, 1, "no checkpoint", ErrNoCheckpoint},
		{"missing run dir", filepath.Join(empty, "nope"), 1, "nope", nil},
		{"mismatched shapes", mixed, 2, `step-00000010 and step-00000020 differ`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := AverageLast(tt.runDir, tt.k)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), tt.runDir) {
				t.Fatalf("AverageLast(%d) = %v, want an error naming %s and containing %q", tt.k, err, tt.runDir, tt.want)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("error %v does not wrap %v", err, tt.is)
			}
		})
	}
}

// TestAverageNaNPropagates: a NaN in one checkpoint gives a NaN mean, not
// a silently finite one.
func TestAverageNaNPropagates(t *testing.T) {
	nan := float32(math.NaN())
	got, err := Average([]*State{
		avgState(10, []float32{nan, 1, 1, 1}, []float32{0, 0}),
		avgState(20, []float32{1, 1, 1, 1}, []float32{0, 0}),
	}, []string{"a", "b"})
	if err != nil {
		t.Fatal(err)
	}
	if x := got.Params[0].Data[0]; !math.IsNaN(float64(x)) {
		t.Errorf("mean with a NaN = %v, want NaN", x)
	}
}
