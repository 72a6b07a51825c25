package data

import (
	"reflect"
	"testing"
)

func TestMakeBatch(t *testing.T) {
	pairs := []Encoded{{Src: []int{5, 6, 7}, Tgt: []int{8}}, {Src: []int{9}, Tgt: []int{10, 11, 12, 13}}}
	b := MakeBatch(pairs, []int{1, 0}, 4, 3)
	if b.B != 3 || b.S != 4 || b.T != 8 {
		t.Fatalf("shape %dx%d→%d, want 3x4→8", b.B, b.S, b.T)
	}
	wantSrc := []int{9, 0, 0, 0, 5, 6, 7, 0, 0, 0, 0, 0}
	wantIn := []int{2, 10, 11, 12, 13, 0, 0, 0, 2, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}
	wantOut := []int{10, 11, 12, 13, 3, 0, 0, 0, 8, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}
	if !reflect.DeepEqual(b.Src, wantSrc) || !reflect.DeepEqual(b.TgtIn, wantIn) || !reflect.DeepEqual(b.TgtOut, wantOut) {
		t.Errorf("batch\nsrc %v\nin  %v\nout %v\nwant\nsrc %v\nin  %v\nout %v", b.Src, b.TgtIn, b.TgtOut, wantSrc, wantIn, wantOut)
	}
	if b.SrcTokens != 4 || b.TgtTokens != 7 || !reflect.DeepEqual(b.Index, []int{1, 0, -1}) {
		t.Errorf("tokens %d/%d index %v, want 4/7 [1 0 -1]", b.SrcTokens, b.TgtTokens, b.Index)
	}
}

func TestFilterLength(t *testing.T) {
	pairs := []Encoded{{Src: []int{1, 2}, Tgt: []int{1}}, {Src: []int{1}, Tgt: []int{1, 2, 3}}, {Src: []int{1, 2, 3}, Tgt: []int{1}}}
	kept, dropped := FilterLength(pairs, 2)
	if len(kept) != 1 || dropped != 2 {
		t.Errorf("FilterLength kept %d dropped %d, want 1 and 2", len(kept), dropped)
	}
}

func TestEvalBatchesCoverEveryPairOnce(t *testing.T) {
	var pairs []Encoded
	for i := 0; i < 23; i++ {
		pairs = append(pairs, Encoded{Src: make([]int, 1+i%7), Tgt: make([]int, 1+i%5)})
	}
	seen := map[int]int{}
	for _, b := range EvalBatches(pairs, 5, 4) {
		for _, i := range b.Index {
			seen[i]++
		}
	}
	for i := range pairs {
		if seen[i] != 1 {
			t.Errorf("pair %d appears %d times", i, seen[i])
		}
	}
}

func iterPairs(n int) []Encoded {
	var pairs []Encoded
	for i := 0; i < n; i++ {
		pairs = append(pairs, Encoded{Src: []int{4 + i%9, 5}, Tgt: make([]int, 1+i%6)})
	}
	return pairs
}

func TestIteratorEpochCoversEveryPairOnce(t *testing.T) {
	it := NewIterator(iterPairs(53), 8, 4, 7)
	seen := map[int]int{}
	for i := 0; i < it.batchesPerEpoch(); i++ {
		b := it.Next()
		if b.B != 8 {
			t.Fatalf("batch %d has %d rows, want 8", i, b.B)
		}
		for _, j := range b.Index {
			if j >= 0 {
				seen[j]++
			}
		}
	}
	for j := 0; j < 53; j++ {
		if seen[j] != 1 {
			t.Errorf("pair %d seen %d times in one epoch", j, seen[j])
		}
	}
}

func TestIteratorResumeIsExact(t *testing.T) {
	pairs := iterPairs(53)
	straight := NewIterator(pairs, 8, 4, 7)
	per := straight.batchesPerEpoch()
	total, cut := per*5/2, per*13/10
	var want []Batch
	for i := 0; i < total; i++ {
		want = append(want, straight.Next())
	}
	first := NewIterator(pairs, 8, 4, 7)
	for i := 0; i < cut; i++ {
		first.Next()
	}
	resumed := NewIterator(pairs, 8, 4, 7)
	if err := resumed.Restore(first.State()); err != nil {
		t.Fatal(err)
	}
	for i := cut; i < total; i++ {
		if got := resumed.Next(); !reflect.DeepEqual(got, want[i]) {
			t.Fatalf("batch %d after resume differs:\n%+v\nwant\n%+v", i, got, want[i])
		}
	}
	other := NewIterator(pairs, 8, 4, 8).Next()
	if reflect.DeepEqual(other.Index, want[0].Index) {
		t.Error("another seed gave the same first batch")
	}
}
