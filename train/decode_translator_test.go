package train

import (
	"fmt"
	"io"
	"math"
	"slices"
	"sync"
	"testing"

	"gorgonia.org/tensor"

	"github.com/seq2seq/transformer/data"
	"github.com/seq2seq/transformer/graph"
)

// microSteps trains the shared decoding checkpoint far enough for its
// outputs to end in EOS at varied lengths.
const microSteps = 120

// decodeFixture is configs/micro.yaml trained once per test binary, held in
// memory (its files live in the first user's temporary directory).
var decodeFixture struct {
	once   sync.Once
	loaded *Loaded
	corpus *Corpus
	err    error
}

// trainedMicro returns the shared trained micro model and its corpus.
func trainedMicro(t *testing.T) (*Loaded, *Corpus) {
	t.Helper()
	if testing.Short() {
		t.Skip("trains a model")
	}
	f := &decodeFixture
	f.once.Do(func() {
		f.err = fmt.Errorf("training failed in an earlier test") // until it succeeds
		cfg := microConfig(t, t.TempDir())
		res := runMicro(t, cfg, Options{Steps: microSteps})
		if f.loaded, f.err = LoadModel(res.RunDir); f.err != nil {
			return
		}
		f.corpus, f.err = LoadCorpus(f.loaded.Config, f.loaded.Src, f.loaded.Tgt, io.Discard)
	})
	if f.err != nil {
		t.Fatalf("trained micro model: %v", f.err)
	}
	return f.loaded, f.corpus
}

// decodeSources is the micro test split plus an empty source, unknown
// words and a repeated, longer sentence.
func decodeSources(c *Corpus) [][]int {
	srcs := append([][]int{{}, {1, 1, 1}}, c.TestSrc...)
	return append(srcs, slices.Concat(c.TestSrc[0], c.TestSrc[1], c.TestSrc[2]))
}

func sameOutputs(t *testing.T, what string, got, want [][]int) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d outputs, want %d", what, len(got), len(want))
	}
	for i := range want {
		if !slices.Equal(got[i], want[i]) || got[i] == nil {
			t.Errorf("%s: sentence %d = %v, want %v", what, i, got[i], want[i])
		}
	}
}

// TestDecodeMatchesGraph checks greedy and beam search over the incremental
// decoder against the previous decoder, which reran the Gorgonia graph over
// every prefix, on a trained model.
func TestDecodeMatchesGraph(t *testing.T) {
	l, c := trainedMicro(t)
	tr := l.Translator()
	ref := newGraphTranslator(l.Translator())
	defer ref.Close()
	srcs := decodeSources(c)
	lp := l.Config.Decode.Penalty()
	tests := []struct {
		beam int
		n    int // sentences
	}{
		{0, len(srcs)}, // greedy
		{1, 16},
		{2, 16},
		{4, 12},
	}
	for _, tt := range tests {
		var got, want [][]int
		var err error
		if tt.beam == 0 {
			got, err = tr.Greedy(srcs[:tt.n])
			if err == nil {
				want, err = ref.Greedy(srcs[:tt.n])
			}
		} else {
			got, err = tr.Beam(srcs[:tt.n], tt.beam, lp)
			if err == nil {
				want, err = ref.Beam(srcs[:tt.n], tt.beam, lp)
			}
		}
		if err != nil {
			t.Fatalf("beam %d: %v", tt.beam, err)
		}
		sameOutputs(t, fmt.Sprintf("beam %d (0 = greedy)", tt.beam), got, want)
		lens := map[int]bool{}
		for _, o := range got {
			lens[len(o)] = true
		}
		if len(lens) < 3 {
			t.Errorf("beam %d: outputs of only %d distinct lengths, want a model that has learnt to stop", tt.beam, len(lens))
		}
	}
}

// TestDecodeOrderIndependence checks that a sentence's translation does not
// depend on the batch it is decoded in: the whole batch, the batch
// reversed, and each sentence alone agree, for greedy and beam search, and
// beam 1 equals greedy without a length penalty (with one, beam 1 may go on
// past an EOS that greedy takes).
func TestDecodeOrderIndependence(t *testing.T) {
	l, c := trainedMicro(t)
	tr := l.Translator()
	srcs := decodeSources(c)
	lp := l.Config.Decode.Penalty()
	decode := func(s [][]int, beam int) [][]int {
		t.Helper()
		var out [][]int
		var err error
		if beam == 0 {
			out, err = tr.Greedy(s)
		} else {
			out, err = tr.Beam(s, beam, lp)
		}
		if err != nil {
			t.Fatalf("beam %d: %v", beam, err)
		}
		return out
	}
	greedy := decode(srcs, 0)
	for _, beam := range []int{0, 1, 3} {
		batch := decode(srcs, beam)
		if beam == 1 {
			plain, err := tr.Beam(srcs, 1, LengthPenalty{Kind: PenaltyNone})
			if err != nil {
				t.Fatal(err)
			}
			sameOutputs(t, "beam 1 (no length penalty) against greedy", plain, greedy)
		}
		reversed := slices.Clone(srcs)
		slices.Reverse(reversed)
		back := decode(reversed, beam)
		slices.Reverse(back)
		sameOutputs(t, fmt.Sprintf("beam %d reversed", beam), back, batch)
		var alone [][]int
		for _, s := range srcs {
			alone = append(alone, decode([][]int{s}, beam)...)
		}
		sameOutputs(t, fmt.Sprintf("beam %d one by one", beam), alone, batch)
	}
}

// TestDecodeFollowsWeights checks that every call reads the current weights
// (the trainer decodes for validation BLEU between steps): a final layer
// norm rigged to output EOS's embedding makes every translation empty.
func TestDecodeFollowsWeights(t *testing.T) {
	l, c := trainedMicro(t)
	if !l.Model.Cfg.TieEmbeddings {
		t.Fatal("the micro config no longer ties embeddings")
	}
	tr := l.Translator()
	srcs := c.TestSrc[:8]
	before, err := tr.Greedy(srcs)
	if err != nil {
		t.Fatal(err)
	}
	gamma := l.Params.Get("decoder.norm.weight").Value.Data().([]float32)
	beta := l.Params.Get("decoder.norm.bias").Value.Data().([]float32)
	embed := l.Params.Get("tgt_embed.weight").Value.Data().([]float32)
	oldGamma, oldBeta := slices.Clone(gamma), slices.Clone(beta)
	d := l.Model.Cfg.DModel
	for k := range gamma {
		gamma[k], beta[k] = 0, 100*embed[data.EOSID*d+k]
	}
	rigged, err := tr.Beam(srcs, 2, GNMT(0.6))
	copy(gamma, oldGamma)
	copy(beta, oldBeta)
	if err != nil {
		t.Fatal(err)
	}
	for i, out := range rigged {
		if len(out) != 0 {
			t.Errorf("rigged weights: sentence %d = %v, want empty", i, out)
		}
	}
	after, err := tr.Greedy(srcs)
	if err != nil {
		t.Fatal(err)
	}
	sameOutputs(t, "restored weights", after, before)
}

// TestDecodeFloat64 decodes with float64 weights (the graph decoder
// handled only float32): beam 1 must equal greedy, and the outputs should
// be the float32 model's.
func TestDecodeFloat64(t *testing.T) {
	l, c := trainedMicro(t)
	ps64 := graph.NewParams(tensor.Float64)
	for _, p := range l.Params.List() {
		vals := graph.Float64s(p.Value)
		if _, err := ps64.Add(p.Name, p.Shape().Clone(), func(*graph.RNG, []int) []float64 { return vals }, nil); err != nil {
			t.Fatal(err)
		}
	}
	tr64 := NewTranslator(l.Model, ps64, 1, l.Config.Decode.MaxLenA, l.Config.Decode.MaxLenB)
	srcs := c.TestSrc
	greedy, err := tr64.Greedy(srcs)
	if err != nil {
		t.Fatal(err)
	}
	beam, err := tr64.Beam(srcs, 1, GNMT(0.6))
	if err != nil {
		t.Fatal(err)
	}
	sameOutputs(t, "float64 beam 1 against greedy", beam, greedy)
	want, err := l.Translator().Greedy(srcs)
	if err != nil {
		t.Fatal(err)
	}
	sameOutputs(t, "float64 greedy against float32", greedy, want)
}

// TestTopCandidates checks the partial selection against a stable sort of
// every candidate, with ties and -Inf scores.
func TestTopCandidates(t *testing.T) {
	rng := graph.NewRNG(5)
	for trial := 0; trial < 200; trial++ {
		v, k := 2+int(rng.Uint64()%9), 1+int(rng.Uint64()%4)
		alive := make([]hypothesis, 1+int(rng.Uint64()%uint64(k)))
		for j := range alive {
			alive[j].score = float64(rng.Uint64()%3) / 2
		}
		lp := make([]float64, len(alive)*v)
		for i := range lp {
			switch r := rng.Uint64() % 6; r {
			case 0:
				lp[i] = math.Inf(-1)
			default:
				lp[i] = -float64(r) / 4 // few distinct values: many ties
			}
		}
		all := sortedCandidates(alive, lp, v)
		want := all[:min(len(all), 2*k)]
		if got := topCandidates(alive, lp, v, 2*k); !slices.Equal(got, want) {
			t.Fatalf("trial %d: topCandidates = %v, want %v", trial, got, want)
		}
	}
	// A NaN falls back to sorting everything.
	alive := []hypothesis{{score: 0}}
	lp := []float64{-1, math.NaN(), -2, -0.5}
	all := sortedCandidates(alive, lp, 4)
	if got := topCandidates(alive, lp, 4, 2); !slices.EqualFunc(got, all, func(a, b candidate) bool {
		return a.k == b.k && a.v == b.v
	}) {
		t.Errorf("with a NaN: topCandidates = %v, want every candidate sorted %v", got, all)
	}
}

// benchTranslator returns a translator over an untrained model of
// configs/tiny.yaml's shape (vocabularies of the toy corpus's size) and
// 64 random sources of 5-25 tokens: one batch of Decode. Untrained, it
// decodes every sentence to the length limit.
func benchTranslator(b *testing.B) (*Translator, [][]int) {
	b.Helper()
	cfg, err := LoadConfig("../configs/tiny.yaml")
	if err != nil {
		b.Fatal(err)
	}
	m, ps, err := BuildModel(cfg.ModelConfig(300, 250), graph.NewRNG(1))
	if err != nil {
		b.Fatal(err)
	}
	rng := graph.NewRNG(2)
	srcs := make([][]int, 64)
	for i := range srcs {
		srcs[i] = make([]int, 5+rng.Uint64()%21)
		for j := range srcs[i] {
			srcs[i][j] = 4 + int(rng.Uint64()%296)
		}
	}
	return NewTranslator(m, ps, cfg.Data.Bucket, cfg.Decode.MaxLenA, cfg.Decode.MaxLenB), srcs
}

func BenchmarkGreedy(b *testing.B) {
	tr, srcs := benchTranslator(b)
	for b.Loop() {
		if _, err := tr.Greedy(srcs); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*len(srcs))/b.Elapsed().Seconds(), "sents/s")
}

func BenchmarkBeam4(b *testing.B) {
	tr, srcs := benchTranslator(b)
	for b.Loop() {
		if _, err := tr.Beam(srcs, 4, GNMT(0.6)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*len(srcs))/b.Elapsed().Seconds(), "sents/s")
}
