package optim

import (
	"encoding/json"
	"math"
	"os"
	"testing"
)

// torchGolden is testdata/adam_torch.json, written by
// testdata/adam_torch.py from torch.optim.Adam.
type torchGolden struct {
	Torch string `json:"torch"`
	Cases []struct {
		Name  string               `json:"name"`
		B1    float64              `json:"beta1"`
		B2    float64              `json:"beta2"`
		E     float64              `json:"eps"`
		Init  map[string][]float64 `json:"init"`
		Steps []struct {
			LR    float64              `json:"lr"`
			Grad  map[string][]float64 `json:"grad"`
			Value map[string][]float64 `json:"value"`
			M     map[string][]float64 `json:"m"`
			V     map[string][]float64 `json:"v"`
		} `json:"steps"`
	} `json:"cases"`
}

// TestAdamMatchesTorch replays the inputs torch.optim.Adam was given
// (float32 values, gradients and a varying learning rate) through Adam and
// compares values and moments after every step with torch's, an
// independent implementation. torch ran in float64 and Adam stores float32,
// so they agree to float32 precision, not bitwise.
func TestAdamMatchesTorch(t *testing.T) {
	raw, err := os.ReadFile("testdata/adam_torch.json")
	if err != nil {
		t.Fatal(err)
	}
	var g torchGolden
	if err := json.Unmarshal(raw, &g); err != nil {
		t.Fatalf("testdata/adam_torch.json: %v", err)
	}
	if len(g.Cases) == 0 {
		t.Fatal("testdata/adam_torch.json: no cases")
	}
	names := []string{"w", "b"}
	for _, c := range g.Cases {
		a := NewAdam(c.B1, c.B2, c.E)
		ps := make([]Param, len(names))
		for i, n := range names {
			ps[i] = Param{Name: n, Value: f32s(c.Init[n]), Grad: make([]float32, len(c.Init[n]))}
		}
		for s, st := range c.Steps {
			for i, n := range names {
				copy(ps[i].Grad, f32s(st.Grad[n]))
			}
			if err := a.Update(ps, st.LR, 1); err != nil {
				t.Fatalf("%s step %d: %v", c.Name, s+1, err)
			}
			for i, n := range names {
				for _, x := range []struct {
					what string
					got  []float32
					want []float64
				}{{"value", ps[i].Value, st.Value[n]}, {"m", a.M[n], st.M[n]}, {"v", a.V[n], st.V[n]}} {
					if len(x.got) != len(x.want) {
						t.Fatalf("%s step %d: %s of %s has %d elements, torch %d", c.Name, s+1, x.what, n, len(x.got), len(x.want))
					}
					// float32 storage of a moment that sums terms of both
					// signs errs relative to the tensor's scale, not to the
					// element's (which can be near zero).
					tol := 1e-6 * maxAbs(x.want)
					for j := range x.got {
						if d := math.Abs(float64(x.got[j]) - x.want[j]); d > tol {
							t.Errorf("%s step %d: %s of %s[%d] = %v, torch %v (diff %.3g)", c.Name, s+1, x.what, n, j, x.got[j], x.want[j], d)
						}
					}
				}
			}
		}
	}
}

func f32s(xs []float64) []float32 {
	out := make([]float32, len(xs))
	for i, x := range xs {
		out[i] = float32(x)
	}
	return out
}

func maxAbs(xs []float64) float64 {
	m := 0.0
	for _, x := range xs {
		m = max(m, math.Abs(x))
	}
	return m
}
