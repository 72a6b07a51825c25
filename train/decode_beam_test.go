package train

import (
	"errors"
	"io"
	"math"
	"slices"
	"sync"
	"testing"

	"github.com/seq2seq/transformer/data"
)

// toyFixture is a small model trained on a toy corpus long enough to
// translate it fairly (test BLEU about 65), once per test binary: the micro
// model of trainedMicro is too weak to compare searches (BLEU near 0).
var toyFixture struct {
	once   sync.Once
	loaded *Loaded
	corpus *Corpus
	err    error
}

// trainedToy returns the shared toy model and its corpus.
func trainedToy(t *testing.T) (*Loaded, *Corpus) {
	t.Helper()
	if testing.Short() {
		t.Skip("trains a model")
	}
	f := &toyFixture
	f.once.Do(func() {
		f.err = errors.New("training failed in an earlier test") // until it succeeds
		cfg := microConfig(t, t.TempDir())
		cfg.Data.ToyTrain, cfg.Data.ToyValid, cfg.Data.ToyTest = 8000, 20, 300
		cfg.Data.MaxLen = 32 // micro.yaml's 16 drops the longest 23% of pairs: the model never learns long outputs
		cfg.Model.DModel, cfg.Model.Heads, cfg.Model.DFF = 32, 4, 64
		cfg.Train.BatchSize, cfg.Train.Steps, cfg.Train.Warmup, cfg.Train.LR = 32, 1000, 100, 0.005
		cfg.Train.EvalEvery, cfg.Train.SaveEvery, cfg.Train.ValidBLEUSentences = 1000, 1000, 0
		cfg.Decode.Beam = 1
		res := runMicro(t, cfg, Options{})
		if f.loaded, f.err = LoadModel(res.RunDir); f.err != nil {
			return
		}
		f.corpus, f.err = LoadCorpus(f.loaded.Config, f.loaded.Src, f.loaded.Tgt, io.Discard)
	})
	if f.err != nil {
		t.Fatalf("trained toy model: %v", f.err)
	}
	return f.loaded, f.corpus
}

// fakeSearch runs beam search over one sentence whose next-token
// log-probabilities come from logp(prefix) (v tokens, EOS = data.EOSID), and
// returns the result and the number of steps taken.
func fakeSearch(t *testing.T, logp func(prefix []int) []float64, v, k, limit int, pen LengthPenalty) ([]int, int) {
	t.Helper()
	st := &beamState{alive: []hypothesis{{tokens: []int{}}}, limit: limit}
	steps := 0
	for !st.done {
		lp := make([]float64, 0, len(st.alive)*v)
		for _, h := range st.alive {
			row := logp(h.tokens)
			if len(row) != v {
				t.Fatalf("logp(%v) has %d entries, want %d", h.tokens, len(row), v)
			}
			lp = append(lp, row...)
		}
		st.advance(lp, v, k, pen)
		steps++
		if steps > limit+1 {
			t.Fatalf("search still running after %d steps (limit %d)", steps, limit)
		}
	}
	return st.best(), steps
}

// table returns a logp over v tokens that gives the prefixes listed their
// next-token probabilities (the rest of the mass spread evenly over tokens
// 4..v-1, never on PAD, UNK or BOS) and any other prefix EOS with
// probability 0.999.
func table(v int, next map[string]map[int]float64) func([]int) []float64 {
	return func(prefix []int) []float64 {
		probs, ok := next[key(prefix)]
		if !ok {
			probs = map[int]float64{data.EOSID: 0.999}
		}
		row := make([]float64, v)
		rest := 1.0
		for _, p := range probs {
			rest -= p
		}
		for tok := range row {
			switch p, ok := probs[tok]; {
			case ok:
				row[tok] = math.Log(p)
			case tok > data.EOSID:
				row[tok] = math.Log(rest / float64(v-4-len(probs)))
			default:
				row[tok] = math.Inf(-1)
			}
		}
		return row
	}
}

func key(prefix []int) string {
	b := []byte{'.'}
	for _, t := range prefix {
		b = append(b, byte('a'+t))
	}
	return string(b)
}

func TestLengthPenalty(t *testing.T) {
	for _, tt := range []struct {
		kind  string
		n     int
		alpha float64
		want  float64
	}{
		{PenaltyGNMT, 1, 0, 1}, {PenaltyGNMT, 1, 0.6, 1}, {PenaltyGNMT, 7, 1, 2},
		{PenaltyGNMT, 13, 0.5, math.Sqrt(3)}, {PenaltyGNMT, 25, 0.6, math.Pow(5, 0.6)},
		{PenaltyFairseq, 1, 1, 1}, {PenaltyFairseq, 4, 0.5, 2}, {PenaltyFairseq, 3, 2, 9},
		{PenaltyFairseq, 10, 0, 1}, {PenaltyNone, 10, 1, 1}, {PenaltyNone, 3, 2, 1},
	} {
		p := LengthPenalty{Kind: tt.kind, Alpha: tt.alpha}
		if got := p.divisor(tt.n); math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("%s divisor(%d) at alpha %v = %v, want %v", tt.kind, tt.n, tt.alpha, got, tt.want)
		}
		if got := p.normalise(-3, tt.n); math.Abs(got+3/tt.want) > 1e-12 {
			t.Errorf("%s normalise(-3, %d) at alpha %v = %v, want %v", tt.kind, tt.n, tt.alpha, got, -3/tt.want)
		}
	}
}

// TestBeamLengthPenaltyChangesWinner hand-sets the scores of three
// finished hypotheses, "EOS" (p 0.3679, log-probability sum -1.000),
// "5 EOS" (0.6*0.5553, -1.100) and "5 6 EOS" (0.6*0.3908*0.999, -1.450),
// so that each penalty at alpha 1 picks another: none ranks by the sums
// (-1.000 best); GNMT divides by 1, 7/6, 8/6 (-1.000, -0.943, -1.088: the
// middle one); fairseq by 1, 2, 3 (-1.000, -0.550, -0.483: the longest).
// Replacing any penalty by a constant or by another fails this test.
func TestBeamLengthPenaltyChangesWinner(t *testing.T) {
	logp := table(12, map[string]map[int]float64{
		".":   {data.EOSID: math.Exp(-1), 5: 0.6},
		".f":  {data.EOSID: math.Exp(-1.1) / 0.6, 6: math.Exp(-1.45) / 0.6 / 0.999},
		".fg": {data.EOSID: 0.999},
	})
	for _, tt := range []struct {
		pen  LengthPenalty
		want []int
	}{
		{LengthPenalty{Kind: PenaltyNone, Alpha: 1}, []int{}},
		{LengthPenalty{}, []int{}},
		{GNMT(0), []int{}},
		{GNMT(1), []int{5}},
		{LengthPenalty{Kind: PenaltyFairseq, Alpha: 1}, []int{5, 6}},
		{LengthPenalty{Kind: PenaltyFairseq, Alpha: 0}, []int{}},
	} {
		for _, k := range []int{2, 4} {
			if got, _ := fakeSearch(t, logp, 12, k, 10, tt.pen); !slices.Equal(got, tt.want) {
				t.Errorf("beam %d, %s alpha %v: %v, want %v", k, tt.pen.Kind, tt.pen.Alpha, got, tt.want)
			}
		}
	}
}

// TestBeamSearchesPastKFinished builds a sentence where the k best
// expansions at the first steps end in EOS while a longer hypothesis,
// ranked below them at first, ends best: the search must not stop when it
// has k finished hypotheses (the rule beam search used to stop by), only
// once no alive hypothesis can beat the best finished one.
func TestBeamSearchesPastKFinished(t *testing.T) {
	// Step 1: EOS 0.30 (score -1.20), 4 0.29, 5 0.28. Step 2: after 4, EOS
	// 0.5 (-1.93); after 5, 6 0.97. Step 3: after 5 6, EOS 0.999. With k =
	// 2: "" (-1.20), "4" (-1.93/1.10 = -1.76) finish first; "5 6" ends with
	// -1.30 / ((5+3)/6)^0.6 = -1.09, the best.
	logp := table(12, map[string]map[int]float64{
		".":   {data.EOSID: 0.30, 4: 0.29, 5: 0.28},
		".e":  {data.EOSID: 0.5},
		".f":  {6: 0.97},
		".fg": {data.EOSID: 0.999},
	})
	got, _ := fakeSearch(t, logp, 12, 2, 10, GNMT(0.6))
	if want := []int{5, 6}; !slices.Equal(got, want) {
		t.Errorf("beam 2: %v, want %v", got, want)
	}
}

// TestBeamStopsEarly checks that a search whose best finished hypothesis
// cannot be beaten stops at once instead of running to the length limit,
// and that one whose alive hypotheses could still win runs on.
func TestBeamStopsEarly(t *testing.T) {
	// Every prefix but the empty one ends with EOS at 0.999, the rest of
	// the mass spread over 8 tokens: after "EOS" at 0.9 nothing alive
	// (at most 0.1/8 = 0.0125, score -4.4) can beat -0.105.
	logp := table(12, map[string]map[int]float64{".": {data.EOSID: 0.9}})
	fairseq := func(alpha float64) LengthPenalty { return LengthPenalty{Kind: PenaltyFairseq, Alpha: alpha} }
	for _, pen := range []LengthPenalty{{Kind: PenaltyNone}, GNMT(0), GNMT(0.6), fairseq(1)} {
		got, steps := fakeSearch(t, logp, 12, 4, 20, pen)
		if len(got) != 0 || steps != 1 {
			t.Errorf("%s alpha %v: %v after %d steps, want [] after 1", pen.Kind, pen.Alpha, got, steps)
		}
	}
	// Long hypotheses can win when the penalty is strong: the bound is
	// -4.4/((5+21)/6)^3 = -0.054 for GNMT at alpha 3, -4.4/21^2 = -0.010
	// for fairseq at alpha 2 (at alpha 1, -0.21 stopped above), and either
	// beats -0.105, so the search goes on.
	for _, pen := range []LengthPenalty{GNMT(3), fairseq(2)} {
		if _, steps := fakeSearch(t, logp, 12, 4, 20, pen); steps < 2 {
			t.Errorf("%s alpha %v: stopped after %d step, want a search that goes on", pen.Kind, pen.Alpha, steps)
		}
	}
}

// TestBeamAtLeastGreedy decodes a trained toy model's test split with the
// default length penalty (fairseq, alpha 1): beam 4's BLEU must be at
// least greedy's, and its length ratio at most 0.035 below greedy's. (Here:
// greedy 65.25 / 0.998, beam 4 66.30 / 0.964. The ratio cannot be held to
// greedy's: the model itself prefers short outputs, and without a penalty
// beam 4's ratio is 0.956, with GNMT's at alpha 0.6 0.959, both failing
// here; a stronger penalty closes the gap on this model (fairseq 1.25:
// 0.971, 1.6: 0.995) but runs long on weaker models that loop: on the
// README's Debian corpus fairseq 1.25 gives ratio 1.43 and BLEU 10.5
// against greedy's 13.6, alpha 1 ratio 1.07 and BLEU 13.7.)
func TestBeamAtLeastGreedy(t *testing.T) {
	l, c := trainedToy(t)
	tr := l.Translator()
	pen := DefaultConfig().Decode.Penalty()
	greedy, err := Decode(tr, c.Tgt, c.TestSrc, 16, 1, pen)
	if err != nil {
		t.Fatal(err)
	}
	beam, err := Decode(tr, c.Tgt, c.TestSrc, 16, 4, pen)
	if err != nil {
		t.Fatal(err)
	}
	g, err := corpusBLEU(greedy, c.TestRefs)
	if err != nil {
		t.Fatal(err)
	}
	b, err := corpusBLEU(beam, c.TestRefs)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("greedy BLEU %.2f ratio %.3f; beam 4 (%s, alpha %v) BLEU %.2f ratio %.3f", g.Score, g.Ratio, pen.Kind, pen.Alpha, b.Score, b.Ratio)
	if b.Score < g.Score {
		t.Errorf("beam 4: BLEU %.2f, want at least greedy's %.2f", b.Score, g.Score)
	}
	if b.Ratio < g.Ratio-0.035 {
		t.Errorf("beam 4: length ratio %.3f, want at least greedy's %.3f - 0.035", b.Ratio, g.Ratio)
	}
}
