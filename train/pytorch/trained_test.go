package pytorch

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/seq2seq/transformer/train"
)

// trainedGreedy is what testdata/torch_train.py writes beside the model.
type trainedGreedy struct {
	Torch        string `json:"torch"`
	Steps        int    `json:"steps"`
	ExactMatches int    `json:"exact_matches"`
	Sentences    []struct {
		Src    string `json:"src"`
		Ref    string `json:"ref"`
		Greedy string `json:"greedy"`
	} `json:"sentences"`
}

// TestGoldenTorchTrained imports a model trained by PyTorch on the toy
// corpus (testdata/torch_train.py), with the config and vocabularies its
// file and the files beside it carry, and requires our greedy translations
// of 40 test sentences to equal PyTorch's word for word.
func TestGoldenTorchTrained(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "torch_trained_greedy.json"))
	if err != nil {
		t.Fatal(err)
	}
	var want trainedGreedy
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}
	if len(want.Sentences) == 0 {
		t.Fatal("torch_trained_greedy.json has no sentences")
	}
	l := importTestdata(t, filepath.Join("testdata", "torch_trained.safetensors"), nil)
	srcs := make([][]int, len(want.Sentences))
	for i, s := range want.Sentences {
		srcs[i] = l.Src.Encode(strings.Fields(s.Src))
	}
	got, err := train.Decode(l.Translator(), l.Tgt, srcs, 16, 1, train.LengthPenalty{})
	if err != nil {
		t.Fatal(err)
	}
	same, exact := 0, 0
	for i, s := range want.Sentences {
		if got[i] != s.Greedy {
			t.Errorf("sentence %d %q: we translate %q, PyTorch %q", i, s.Src, got[i], s.Greedy)
			continue
		}
		same++
		if got[i] == s.Ref {
			exact++
		}
	}
	if exact != want.ExactMatches {
		t.Errorf("%d translations equal the reference, PyTorch's run reported %d", exact, want.ExactMatches)
	}
	t.Logf("PyTorch %s, %d steps: %d of %d greedy translations equal, %d equal the reference", want.Torch, want.Steps, same, len(srcs), exact)
}
