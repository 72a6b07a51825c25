package serve

import (
	"errors"
	"strings"
	"sync"
)

// fakeBackend translates by upper-casing the tokens in reverse order; its
// score is minus the number of tokens and its cross-attention a one-hot
// reversal. gate, when set, holds each batch until it is closed; the
// sizes of the batches are recorded.
type fakeBackend struct {
	gate    chan struct{}
	started chan int // receives each batch's size as it starts, when set
	mu      sync.Mutex
	sizes   []int
}

func (f *fakeBackend) Tokenize(text string) []string { return strings.Fields(text) }

func (f *fakeBackend) Info() ModelInfo {
	return ModelInfo{Tokenizer: "words", SrcVocab: 10, TgtVocab: 12, DefaultBeam: 2, Step: 7, WeightsSHA256: "abc",
		Config: map[string]any{"name": "fake"}}
}

func (f *fakeBackend) Translate(srcs [][]string, k int, want Want) ([]Result, error) {
	f.mu.Lock()
	f.sizes = append(f.sizes, len(srcs))
	f.mu.Unlock()
	if f.started != nil {
		f.started <- len(srcs)
	}
	if f.gate != nil {
		<-f.gate
	}
	out := make([]Result, len(srcs))
	for i, src := range srcs {
		if src[0] == "PANIC" {
			panic("fake decoder panic")
		}
		if src[0] == "FAIL" {
			return nil, errors.New("fake decoder failure")
		}
		tgt := make([]string, len(src))
		for j, w := range src {
			tgt[len(src)-1-j] = strings.ToUpper(w)
		}
		out[i] = Result{Source: src, Target: tgt, Score: -float64(len(src) * k)}
		if src[0] == "ALIGN" {
			for j := range src {
				out[i].Alignment = append(out[i].Alignment, [2]int{j, len(src) - 1 - j})
			}
		}
		if want.Attention {
			out[i].Attn = reversal(len(src))
		}
	}
	return out, nil
}

// reversal is one layer and head of one-hot attention from target t to
// source n-1-t, the EOS row attending to the last source token.
func reversal(n int) *Attention {
	m := make([][]float64, n+1)
	for t := range m {
		m[t] = make([]float64, n)
		m[t][max(n-1-t, 0)] = 1
	}
	return &Attention{Cross: [][][][]float64{{m}}, DecoderSelf: [][][][]float64{{{{1}}}}, EncoderSelf: [][][][]float64{{{{1}}}}}
}
