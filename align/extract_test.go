package align

import (
	"reflect"
	"strings"
	"testing"
)

func TestArgmaxAndThreshold(t *testing.T) {
	// rows: target words; columns: source words.
	m := [][]float64{
		{0.1, 0.7, 0.2},
		{0.5, 0.5, 0.0}, // tie: first
		{0.0, 0.3, 0.7},
	}
	if got := FormatLine(Argmax(m)); got != "1-0 0-1 2-2" {
		t.Errorf("Argmax = %q, want %q", got, "1-0 0-1 2-2")
	}
	if got := FormatLine(Threshold(m, 0.5)); got != "1-0 0-1 1-1 2-2" {
		t.Errorf("Threshold(0.5) = %q, want %q", got, "1-0 0-1 1-1 2-2")
	}
	if got := Argmax([][]float64{{}}); len(got) != 0 {
		t.Errorf("Argmax of an empty row = %v, want none", got)
	}
}

func TestAverageAndSelect(t *testing.T) {
	h0 := [][]float64{{1, 0}, {0, 1}}
	h1 := [][]float64{{0, 1}, {0, 1}}
	h2 := [][]float64{{0.5, 0.5}, {1, 0}}
	att := [][][][]float64{{h0, h1}, {h1, h2}}
	avg, err := Select(att, -1, -1)
	if err != nil || !reflect.DeepEqual(avg, [][]float64{{0.25, 0.75}, {0.5, 0.5}}) {
		t.Errorf("Select(last, average) = %v, %v", avg, err)
	}
	if m, err := Select(att, 0, 1); err != nil || !reflect.DeepEqual(m, h1) {
		t.Errorf("Select(0, 1) = %v, %v; want head 1 of layer 0", m, err)
	}
	all, err := AverageLayers(att)
	if err != nil || !reflect.DeepEqual(all, [][]float64{{0.375, 0.625}, {0.25, 0.75}}) {
		t.Errorf("AverageLayers = %v, %v", all, err)
	}
	for _, lh := range [][2]int{{2, 0}, {-2, 0}, {0, 2}, {0, -3}} {
		if _, err := Select(att, lh[0], lh[1]); err == nil || !strings.Contains(err.Error(), "out of range") {
			t.Errorf("Select(%d, %d): error %v, want out of range", lh[0], lh[1], err)
		}
	}
	if _, err := Average(h0, [][]float64{{1, 2}}); err == nil {
		t.Error("Average of 2x2 and 1x2: no error")
	}
}

func TestCrop(t *testing.T) {
	// An attention matrix with the end-of-sentence step as its last row.
	m := [][]float64{{1, 2, 3}, {4, 5, 6}, {7, 8, 9}}
	got, err := Crop(m, 2, 3)
	if err != nil || !reflect.DeepEqual(got, [][]float64{{1, 2, 3}, {4, 5, 6}}) {
		t.Errorf("Crop(2, 3) = %v, %v", got, err)
	}
	if _, err := Crop(m, 4, 1); err == nil {
		t.Error("Crop of 4 rows from 3: no error")
	}
}

func TestMergePieces(t *testing.T) {
	src := []string{"▁the", "▁hou", "se", "▁."}
	tgt := []string{"▁das", "▁ha", "u", "s"}
	ss, ts := WordStarts(src), WordStarts(tgt)
	if !reflect.DeepEqual(ss, []bool{true, true, false, true}) {
		t.Fatalf("WordStarts(%q) = %v", src, ss)
	}
	m := [][]float64{
		{0.7, 0.1, 0.1, 0.1},
		{0.0, 0.6, 0.3, 0.1},
		{0.1, 0.2, 0.6, 0.1},
		{0.1, 0.3, 0.3, 0.3},
	}
	got, err := MergePieces(m, ss, ts)
	if err != nil {
		t.Fatal(err)
	}
	// Source "house" sums columns 1 and 2; target "haus" averages rows 1-3.
	want := [][]float64{{0.7, 0.2, 0.1}, {0.2 / 3, 2.3 / 3, 0.5 / 3}}
	for r := range want {
		for c := range want[r] {
			if d := got[r][c] - want[r][c]; d > 1e-12 || d < -1e-12 {
				t.Fatalf("MergePieces = %v, want %v", got, want)
			}
		}
	}
	if l := FormatLine(Argmax(got)); l != "0-0 1-1" {
		t.Errorf("word links %q, want 0-0 1-1", l)
	}
	wl, err := MergeLinks(links("0-0 1-1 2-2 2p3 3p3"), ss, ts)
	if err != nil || FormatLine(wl) != "0-0 1-1 2p1" {
		t.Errorf("MergeLinks = %v, %v; want 0-0 1-1 2p1", wl, err)
	}
	ex, err := ExpandLinks(links("0-0 1p1"), ss, ts)
	if err != nil || FormatLine(ex) != "0-0 1p1 1p2 1p3 2p1 2p2 2p3" {
		t.Errorf("ExpandLinks = %q, %v; want 0-0 1p1 1p2 1p3 2p1 2p2 2p3", FormatLine(ex), err)
	}
	if back, _ := MergeLinks(ex, ss, ts); FormatLine(back) != "0-0 1p1" {
		t.Errorf("MergeLinks(ExpandLinks(0-0 1p1)) = %q", FormatLine(back))
	}
	if _, err := ExpandLinks(links("3-0"), ss, ts); err == nil {
		t.Error("ExpandLinks of source word 3 of 3: no error")
	}
	if _, err := MergePieces(m[:3], ss, ts); err == nil {
		t.Error("MergePieces with 3 rows for 4 target pieces: no error")
	}
}

func TestReport(t *testing.T) {
	gold := links("0-0 1-1")
	good := [][]float64{{0.9, 0.1}, {0.2, 0.8}}
	bad := [][]float64{{0.1, 0.9}, {0.8, 0.2}}
	r := NewReport(2, 2)
	// Layer 0: head 0 right, head 1 wrong, their average ties on every row
	// (ties go to source 0: one of two links right, AER 50%); layer 1 wrong.
	if err := r.Add([][][][]float64{{good, bad}, {bad, bad}}, gold); err != nil {
		t.Fatal(err)
	}
	if l, h, c := r.BestHead(); l != 0 || h != 0 || c.AER() != 0 {
		t.Errorf("BestHead = layer %d head %d AER %v, want layer 0 head 0 AER 0", l, h, c.AER())
	}
	if l, c := r.BestAverage(); l != 0 || c.AER() != 0.5 {
		t.Errorf("BestAverage = layer %d AER %v, want layer 0 AER 0.5", l, c.AER())
	}
	var b strings.Builder
	if err := r.Write(&b); err != nil {
		t.Fatal(err)
	}
	want := "| AER % | head 0 | head 1 | average |\n|---|---|---|---|\n| layer 0 | 0.0 | 100.0 | 50.0 |\n| layer 1 | 100.0 | 100.0 | 100.0 |\n"
	if b.String() != want {
		t.Errorf("report\n%s\nwant\n%s", b.String(), want)
	}
	if err := r.Add([][][][]float64{{good, bad}}, gold); err == nil {
		t.Error("Add with 1 layer to a 2-layer report: no error")
	}
}
