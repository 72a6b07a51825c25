package layers

import (
	"math"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/seq2seq/transformer/graph"
)

// refAttention is an independent plain-loop multi-head attention:
// out = concat_h(softmax(q_h·k_hᵀ/sqrt(dh) + mask)·v_h)·Wo + bo.
func refAttention(q, mem []float64, w map[string][]float64, mask []float64, maskShape []int, batch, tq, tk, d, heads int) []float64 {
	proj := func(x []float64, rows int, name string) []float64 {
		out := make([]float64, rows*d)
		for r := 0; r < rows; r++ {
			for j := 0; j < d; j++ {
				s := w[name+".bias"][j]
				for i := 0; i < d; i++ {
					s += x[r*d+i] * w[name+".weight"][i*d+j]
				}
				out[r*d+j] = s
			}
		}
		return out
	}
	Q, K, V := proj(q, batch*tq, "attn.q"), proj(mem, batch*tk, "attn.k"), proj(mem, batch*tk, "attn.v")
	dh := d / heads
	ctx := make([]float64, batch*tq*d)
	for b := 0; b < batch; b++ {
		for h := 0; h < heads; h++ {
			for i := 0; i < tq; i++ {
				scores := make([]float64, tk)
				mx := math.Inf(-1)
				for j := 0; j < tk; j++ {
					s := 0.0
					for c := 0; c < dh; c++ {
						s += Q[(b*tq+i)*d+h*dh+c] * K[(b*tk+j)*d+h*dh+c]
					}
					mb, mq := b, i
					if maskShape[0] == 1 {
						mb = 0
					}
					if maskShape[1] == 1 {
						mq = 0
					}
					s = s/math.Sqrt(float64(dh)) + mask[(mb*maskShape[1]+mq)*tk+j]
					scores[j] = s
					mx = math.Max(mx, s)
				}
				if math.IsInf(mx, -1) {
					continue // fully masked: zero context
				}
				z := 0.0
				for j := range scores {
					scores[j] = math.Exp(scores[j] - mx)
					z += scores[j]
				}
				for c := 0; c < dh; c++ {
					s := 0.0
					for j := 0; j < tk; j++ {
						s += scores[j] / z * V[(b*tk+j)*d+h*dh+c]
					}
					ctx[(b*tq+i)*d+h*dh+c] = s
				}
			}
		}
	}
	return proj(ctx, batch*tq, "attn.o")
}

// handSet fills every parameter with small, distinct, hand-chosen values.
func handSet(ps *graph.Params) map[string][]float64 {
	w := map[string][]float64{}
	for k, p := range ps.List() {
		data := p.Value.Float64s()
		for i := range data {
			data[i] = 0.3 * math.Sin(float64(7*k+1)*0.37+float64(i)*0.91)
		}
		w[p.Name] = data
	}
	return w
}

func TestMultiHeadAttentionMatchesReference(t *testing.T) {
	const d, heads = 8, 2
	ninf := math.Inf(-1)
	cases := append(attentionCases(), attentionCase{
		name: "fully masked row and extreme inputs", batch: 2, tq: 2, tk: 3,
		mask: []float64{ninf, ninf, ninf, 0, 0, ninf}, maskShape: []int{2, 1, 3},
	})
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ps, rng := graph.NewParams(tensor.Float64), graph.NewRNG(1)
			a, err := NewMultiHeadAttention(ps, "attn", d, heads, rng)
			if err != nil {
				t.Fatal(err)
			}
			w := handSet(ps)
			q := make([]float64, tc.batch*tc.tq*d)
			mem := make([]float64, tc.batch*tc.tk*d)
			for i := range q {
				q[i] = math.Cos(float64(i) * 1.3)
			}
			for i := range mem {
				mem[i] = math.Sin(float64(i)*0.7) * 2
			}
			if tc.self {
				mem = q
			}
			if tc.name == "fully masked row and extreme inputs" {
				for i := range q {
					q[i] *= 1e4 // scores of order ±1e4 and beyond
				}
			}
			var mask *G.Node
			got := evalNodes(t, ps, false, nil, func(b *graph.Builder) []*G.Node {
				qn := b.Constant("q", q, tc.batch*tc.tq, d)
				mn := b.Constant("mem", mem, tc.batch*tc.tk, d)
				mask = b.Input("mask", tensor.Float64, tc.maskShape...)
				return []*G.Node{a.Forward(b, qn, mn, mask, tc.batch, tc.tq, tc.tk)}
			}, func(b *graph.Builder) error { return letMask(mask, tc.mask, tc.maskShape...) })[0]
			want := refAttention(q, mem, w, tc.mask, tc.maskShape, tc.batch, tc.tq, tc.tk, d, heads)
			for i := range want {
				if math.IsNaN(got[i]) || math.IsInf(got[i], 0) {
					t.Fatalf("output[%d] = %v, want finite", i, got[i])
				}
				tol := 1e-9 * math.Max(1, math.Abs(want[i]))
				if math.Abs(got[i]-want[i]) > tol {
					t.Fatalf("output[%d] = %.15g, want %.15g", i, got[i], want[i])
				}
			}
		})
	}
}

func TestMultiHeadAttentionRejectsBadHeads(t *testing.T) {
	ps := graph.NewParams(tensor.Float64)
	if _, err := NewMultiHeadAttention(ps, "attn", 10, 3, graph.NewRNG(1)); err == nil {
		t.Fatal("3 heads over width 10: no error")
	}
}
