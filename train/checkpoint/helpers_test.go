package checkpoint

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// testState returns a state with every field set, including float values
// whose bits are easy to lose: -0, infinities, a NaN with a payload and a
// subnormal.
func testState(step int) *State {
	nanPayload := math.Float32frombits(0x7fc00123)
	params := []Tensor{
		{Name: "enc.0.w", Shape: []int{2, 3}, Data: []float32{1, -2, 0.5, float32(math.Copysign(0, -1)), float32(math.Inf(1)), nanPayload}},
		{Name: "enc.0.b", Shape: []int{3}, Data: []float32{1e-45, -3.25, float32(step)}},
		{Name: "scale", Data: []float32{0.125}},
	}
	adamM, adamV := make([]Tensor, len(params)), make([]Tensor, len(params))
	for i, p := range params {
		adamM[i] = Tensor{Name: p.Name, Shape: p.Shape, Data: make([]float32, len(p.Data))}
		adamV[i] = Tensor{Name: p.Name, Shape: p.Shape, Data: make([]float32, len(p.Data))}
		for j := range p.Data {
			adamM[i].Data[j] = float32(i+j) * 0.1
			adamV[i].Data[j] = float32(i*j) * 0.01
		}
	}
	return &State{
		Step:      step,
		Config:    []byte("name: tiny\nseed: 1\n"),
		Params:    params,
		AdamStep:  step,
		AdamM:     adamM,
		AdamV:     adamV,
		RNG:       []uint64{0, 1, 1<<63 + 12345, math.MaxUint64},
		Data:      json.RawMessage(`{"epoch":2,"order":[3,1,2],"text":"<a&b>"}`),
		SrcVocab:  []string{"<pad>", "<unk>", "<s>", "</s>", "hallo", ""},
		TgtVocab:  []string{"<pad>", "<unk>", "<s>", "</s>", "hello", "wörld"},
		BestScore: 12.5,
		BestStep:  step,
		Extra:     map[string]string{"metrics_offset": "1234", "note": "x"},
	}
}

// floatBits returns the bit patterns of xs.
func floatBits(xs []float32) []uint32 {
	out := make([]uint32, len(xs))
	for i, x := range xs {
		out[i] = math.Float32bits(x)
	}
	return out
}

// tensorBits is a Tensor with its data as bit patterns, for bitwise
// comparison with reflect.DeepEqual (NaN != NaN otherwise).
type tensorBits struct {
	Name  string
	Shape []int
	Bits  []uint32
}

// toBits converts ts for comparison.
func toBits(ts []Tensor) []tensorBits {
	var out []tensorBits
	for _, t := range ts {
		out = append(out, tensorBits{t.Name, t.Shape, floatBits(t.Data)})
	}
	return out
}

// assertStateEqual fails unless got and want are bitwise equal.
func assertStateEqual(t *testing.T, got, want *State) {
	t.Helper()
	g, w := *got, *want
	if !reflect.DeepEqual(toBits(g.Params), toBits(w.Params)) {
		t.Errorf("Params = %v, want %v", toBits(g.Params), toBits(w.Params))
	}
	if !reflect.DeepEqual(toBits(g.AdamM), toBits(w.AdamM)) {
		t.Errorf("AdamM = %v, want %v", toBits(g.AdamM), toBits(w.AdamM))
	}
	if !reflect.DeepEqual(toBits(g.AdamV), toBits(w.AdamV)) {
		t.Errorf("AdamV = %v, want %v", toBits(g.AdamV), toBits(w.AdamV))
	}
	if math.Float64bits(g.BestScore) != math.Float64bits(w.BestScore) {
		t.Errorf("BestScore = %v, want %v", g.BestScore, w.BestScore)
	}
	g.Params, g.AdamM, g.AdamV, g.BestScore = nil, nil, nil, 0
	w.Params, w.AdamM, w.AdamV, w.BestScore = nil, nil, nil, 0
	if !reflect.DeepEqual(g, w) {
		t.Errorf("state = %+v, want %+v", g, w)
	}
}

// readPointerFile returns the trimmed content of a pointer file.
func readPointerFile(t *testing.T, runDir, name string) string {
	t.Helper()
	target, err := readPointer(runDir, name)
	if err != nil {
		t.Fatalf("read pointer %s: %v", name, err)
	}
	return target
}

// entries lists the names in dir.
func entries(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

// mustSave saves st into runDir or fails the test.
func mustSave(t *testing.T, runDir string, st *State, keepLast int, best bool) string {
	t.Helper()
	path, err := Save(runDir, st, keepLast, best)
	if err != nil {
		t.Fatalf("Save(step %d) error: %v", st.Step, err)
	}
	if want := filepath.Join(runDir, StepDirName(st.Step)); path != want {
		t.Fatalf("Save(step %d) = %q, want %q", st.Step, path, want)
	}
	return path
}
