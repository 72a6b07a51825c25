package checkpoint

import (
	"encoding/json"
	"flag"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// goldenTensors is a tiny fixed tensor set for the WeightsSHA256 golden.
var goldenTensors = []Tensor{
	{Name: "a", Shape: []int{2}, Data: []float32{1, -1}},
	{Name: "b.w", Shape: []int{1, 3}, Data: []float32{0.5, 0, float32(math.Copysign(0, -1))}},
	{Name: "s", Data: []float32{3}},
}

func TestWeightsSHA256Golden(t *testing.T) {
	golden := filepath.Join("testdata", "weights_sha256.golden")
	got := WeightsSHA256(goldenTensors)
	if *update {
		if err := os.WriteFile(golden, []byte(got+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("read golden (run with -update to create it): %v", err)
	}
	if got != strings.TrimSpace(string(want)) {
		t.Errorf("WeightsSHA256(golden tensors) = %s, want %s", got, want)
	}
}

func TestWeightsSHA256Sensitivity(t *testing.T) {
	base := WeightsSHA256(goldenTensors)
	if got := WeightsSHA256(nil); got != "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" {
		t.Errorf("WeightsSHA256(nil) = %s, want the sha256 of nothing", got)
	}
	variants := map[string]func(ts []Tensor){
		"name":      func(ts []Tensor) { ts[0].Name = "A" },
		"shape":     func(ts []Tensor) { ts[1].Shape = []int{3, 1} },
		"-0 to +0":  func(ts []Tensor) { ts[1].Data[2] = 0 },
		"order":     func(ts []Tensor) { ts[0], ts[2] = ts[2], ts[0] },
		"last data": func(ts []Tensor) { ts[2].Data[0] = 3.0000002 },
	}
	for name, change := range variants {
		ts := make([]Tensor, len(goldenTensors))
		for i, g := range goldenTensors {
			ts[i] = Tensor{Name: g.Name, Shape: append([]int(nil), g.Shape...), Data: append([]float32(nil), g.Data...)}
		}
		change(ts)
		if got := WeightsSHA256(ts); got == base {
			t.Errorf("WeightsSHA256 after changing the %s = %s, want it to differ", name, got)
		}
	}
}

func TestInspect(t *testing.T) {
	runDir := t.TempDir()
	st := testState(42)
	st.BestScore = math.Inf(-1)
	path := mustSave(t, runDir, st, 0, true)
	info, err := Inspect(runDir)
	if err != nil {
		t.Fatalf("Inspect error: %v", err)
	}
	want := Info{
		Path: path, Name: "tiny", Step: 42, Params: 10, Tensors: 3,
		WeightsSHA256: WeightsSHA256(st.Params), BestScore: Score(math.Inf(-1)), BestStep: 42,
		AdamStep: 42, SrcVocab: 6, TgtVocab: 6, Tokenizer: "words",
	}
	if *info != want {
		t.Errorf("Inspect = %+v, want %+v", *info, want)
	}
	data, err := json.Marshal(info)
	if err != nil {
		t.Fatalf("json.Marshal(Inspect) error: %v", err)
	}
	if !strings.Contains(string(data), `"best_score":"-Inf"`) || !strings.Contains(string(data), `"params":10`) {
		t.Errorf("json.Marshal(Inspect) = %s, want best_score \"-Inf\" and params 10", data)
	}
	flipBit(t, filepath.Join(path, paramsFile), 3)
	if _, err := Inspect(path); err == nil || !strings.Contains(err.Error(), "params.bin is corrupt") {
		t.Errorf("Inspect of a corrupt checkpoint = %v, want a corruption error", err)
	}
}

func TestScoreJSON(t *testing.T) {
	tests := []struct {
		s    Score
		want string
	}{
		{12.5, "12.5"},
		{0, "0"},
		{Score(math.NaN()), `"NaN"`},
		{Score(math.Inf(1)), `"+Inf"`},
		{Score(math.Inf(-1)), `"-Inf"`},
	}
	for _, tt := range tests {
		got, err := json.Marshal(tt.s)
		if err != nil || string(got) != tt.want {
			t.Errorf("json.Marshal(Score(%v)) = %s, %v, want %s", float64(tt.s), got, err, tt.want)
		}
	}
}
