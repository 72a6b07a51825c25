package align

import (
	"reflect"
	"strings"
	"testing"
)

// TestMergeEveryHead checks that every layer's and head's matrix is merged
// as MergePieces merges it alone, and that a bad matrix's error names its
// layer and head.
func TestMergeEveryHead(t *testing.T) {
	src := []string{"▁a", "b", "▁c"}
	tgt := []string{"▁x", "▁y", "z"}
	mat := func(k float64) [][]float64 {
		return [][]float64{{k, 2 * k, 3 * k}, {4 * k, 5 * k, 6 * k}, {7 * k, 8 * k, 9 * k}}
	}
	att := [][][][]float64{{mat(1), mat(2)}, {mat(3), mat(4)}}
	if err := MergeEveryHead(att, src, tgt); err != nil {
		t.Fatal(err)
	}
	for l := range att {
		for h := range att[l] {
			want, err := MergePieces(mat(float64(2*l+h+1)), WordStarts(src), WordStarts(tgt))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(att[l][h], want) {
				t.Errorf("layer %d head %d: got %v, want %v", l, h, att[l][h], want)
			}
		}
	}
	// mat(1) merged: source words {a b}, {c}; target rows x, mean(y, z).
	if want := [][]float64{{3, 3}, {12, 7.5}}; !reflect.DeepEqual(att[0][0], want) {
		t.Errorf("layer 0 head 0: got %v, want %v", att[0][0], want)
	}

	bad := [][][][]float64{{mat(1)}, {mat(1), mat(1)[:2]}}
	err := MergeEveryHead(bad, src, tgt)
	if err == nil || !strings.Contains(err.Error(), "layer 1 head 1") {
		t.Errorf("short matrix: got error %v, want one naming layer 1 head 1", err)
	}
}
