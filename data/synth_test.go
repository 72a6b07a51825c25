package data

import (
	"reflect"
	"sort"
	"strings"
	"testing"
)

func smallSynth(src, tgt int) SynthConfig {
	cfg := DefaultSynthConfig(src, tgt)
	cfg.Train, cfg.Valid, cfg.Test = 3000, 50, 50
	return cfg
}

func TestSynthDeterministic(t *testing.T) {
	cfg := smallSynth(1000, 800)
	tr1, va1, te1, err := GenerateSynth(cfg)
	if err != nil {
		t.Fatal(err)
	}
	tr2, va2, te2, err := GenerateSynth(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(tr1, tr2) || !reflect.DeepEqual(va1, va2) || !reflect.DeepEqual(te1, te2) {
		t.Fatal("the same config gave two different corpora")
	}
	cfg.Seed++
	tr3, _, _, err := GenerateSynth(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if reflect.DeepEqual(tr1, tr3) {
		t.Fatal("seeds 1 and 2 gave the same corpus")
	}
}

// TestSynthVocabularies checks that the vocabularies built from the
// training split have exactly the configured sizes (plus the 4 specials),
// for smaller, equal and larger target vocabularies.
func TestSynthVocabularies(t *testing.T) {
	for _, tt := range []struct{ src, tgt int }{{1000, 1000}, {10000, 6000}, {5000, 9000}, {30000, 30000}} {
		train, _, _, err := GenerateSynth(smallSynth(tt.src, tt.tgt))
		if err != nil {
			t.Fatal(err)
		}
		var srcs, tgts [][]string
		for _, p := range train {
			srcs, tgts = append(srcs, p.Src), append(tgts, p.Tgt)
		}
		if got := BuildVocab(srcs, 1, 0).Size(); got != tt.src+4 {
			t.Errorf("%d/%d: source vocabulary %d, want %d", tt.src, tt.tgt, got, tt.src+4)
		}
		if got := BuildVocab(tgts, 1, 0).Size(); got != tt.tgt+4 {
			t.Errorf("%d/%d: target vocabulary %d, want %d", tt.src, tt.tgt, got, tt.tgt+4)
		}
	}
}

// TestSynthIsTranslation checks that a source sentence always gets the same
// translation, that lengths lie in range with the configured mean, and that
// word frequencies fall off like Zipf's law (the 10th word about 10 times
// rarer than the 1st, within a factor of 2).
func TestSynthIsTranslation(t *testing.T) {
	cfg := smallSynth(2000, 1500)
	cfg.Train = 20000
	_, valid, test, err := GenerateSynth(cfg)
	if err != nil {
		t.Fatal(err)
	}
	g := newSynthGen(cfg)
	seen := map[string]string{}
	total, counts := 0, map[string]int{}
	for _, p := range append(valid, test...) {
		if len(p.Src) < cfg.MinLen || len(p.Src) > cfg.MaxLen {
			t.Fatalf("source of %d tokens, want %d..%d", len(p.Src), cfg.MinLen, cfg.MaxLen)
		}
		total += len(p.Src)
		key := strings.Join(p.Src, " ")
		if prev, ok := seen[key]; ok && prev != strings.Join(p.Tgt, " ") {
			t.Fatalf("source %q has two translations", key)
		}
		seen[key] = strings.Join(p.Tgt, " ")
	}
	if mean := float64(total) / float64(len(valid)+len(test)); mean < cfg.MeanLen-1.5 || mean > cfg.MeanLen+1.5 {
		t.Errorf("mean source length %.2f, want about %v", mean, cfg.MeanLen)
	}
	for range 200000 {
		counts[synthWord('s', g.word())]++
	}
	var freq []int
	for _, c := range counts {
		freq = append(freq, c)
	}
	sort.Sort(sort.Reverse(sort.IntSlice(freq)))
	if ratio := float64(freq[0]) / float64(freq[9]); ratio < 2.5 || ratio > 10 {
		t.Errorf("rank 1 / rank 10 frequency ratio %.2f, want a Zipf-Mandelbrot fall-off ((10+2.7)/(1+2.7))^1.05 = 3.6", ratio)
	}
}

func TestSynthTranslateRules(t *testing.T) {
	g := newSynthGen(SynthConfig{SrcVocab: 100, TgtVocab: 103})
	// 5 is class 1 and 8 class 0: they swap; 2 (< 3) becomes a compound.
	if got, want := g.translate([]int{5, 8, 2}), []int{8, 5, 2, 102}; !reflect.DeepEqual(got, want) {
		t.Errorf("translate = %v, want %v", got, want)
	}
	g = newSynthGen(SynthConfig{SrcVocab: 100, TgtVocab: 50})
	if got, want := g.translate([]int{7, 99, 0}), []int{3, 49, 0}; !reflect.DeepEqual(got, want) {
		t.Errorf("translate = %v, want %v", got, want)
	}
}

func TestSynthRejectsBadConfig(t *testing.T) {
	for _, cfg := range []SynthConfig{
		smallSynth(0, 10), smallSynth(100, 201), smallSynth(1000, 100),
		{SrcVocab: 10, TgtVocab: 10, Train: 0, MeanLen: 5, MinLen: 1, MaxLen: 9},
		{SrcVocab: 10, TgtVocab: 10, Train: 5, MeanLen: 5, MinLen: 4, MaxLen: 3},
	} {
		if _, _, _, err := GenerateSynth(cfg); err == nil {
			t.Errorf("GenerateSynth(%+v) gave no error", cfg)
		}
	}
}
