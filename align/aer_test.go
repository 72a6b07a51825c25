package align

import (
	"math"
	"testing"
)

func links(s string) []Link {
	l, err := ParseLine(s)
	if err != nil {
		panic(err)
	}
	return l
}

// TestAERHandMade checks the arithmetic of Och & Ney (2003) on cases
// worked out by hand in the comments.
func TestAERHandMade(t *testing.T) {
	tests := []struct {
		name, pred, gold string
		want             Counts
		p, r, aer        float64
	}{
		// A = {0-0, 2-1, 1-2}; S = {0-0, 1-1}; P = S + {2-1}.
		// |A∩S| = 1, |A∩P| = 2: P = 2/3, R = 1/2, AER = 1 - 3/5.
		{"mixed", "0-0 2-1 1-2", "0-0 1-1 2p1", Counts{A: 3, S: 2, AS: 1, AP: 2}, 2.0 / 3, 0.5, 0.4},
		{"perfect", "1-0 0-1", "0-1 1-0", Counts{A: 2, S: 2, AS: 2, AP: 2}, 1, 1, 0},
		// Possible links predicted cost nothing: AER = 1 - (1+2)/(2+1) = 0.
		{"possible", "0-0 0-1", "0-0 0p1", Counts{A: 2, S: 1, AS: 1, AP: 2}, 1, 1, 0},
		// Missing a possible link costs nothing either.
		{"skip possible", "0-0", "0-0 0p1", Counts{A: 1, S: 1, AS: 1, AP: 1}, 1, 1, 0},
		{"nothing predicted", "", "0-0 1-1", Counts{S: 2}, 0, 0, 1},
		{"all wrong", "0-1 1-0", "0-0 1-1", Counts{A: 2, S: 2}, 0, 0, 1},
		// Duplicates count once; a link gold as both sure and possible is sure.
		{"duplicates", "0-0 0-0 1-1", "0-0 0p0 1p1", Counts{A: 2, S: 1, AS: 1, AP: 2}, 1, 1, 0},
		// One target word linked to two source words (two-to-one) in gold:
		// predicting one of them: A=1, S=2, AS=1, AP=1: AER = 1 - 2/3.
		{"two-to-one", "1-0", "0-0 1-0", Counts{A: 1, S: 2, AS: 1, AP: 1}, 1, 0.5, 1.0 / 3},
		{"empty", "", "", Counts{}, 0, 0, 0},
	}
	for _, tc := range tests {
		c := Count(links(tc.pred), links(tc.gold))
		if c != tc.want {
			t.Errorf("%s: Count = %+v, want %+v", tc.name, c, tc.want)
		}
		for _, f := range []struct {
			what      string
			got, want float64
		}{{"precision", c.Precision(), tc.p}, {"recall", c.Recall(), tc.r}, {"AER", c.AER(), tc.aer}} {
			if math.Abs(f.got-f.want) > 1e-12 {
				t.Errorf("%s: %s = %v, want %v", tc.name, f.what, f.got, f.want)
			}
		}
	}
}

// TestAERCorpusSumsCounts checks that corpus AER comes from summed counts,
// not the mean of sentence AERs: sentence 1 (A=1,S=1,perfect) has AER 0,
// sentence 2 (A=3,S=3, one right) AER 2/3; their mean is 1/3 but the
// corpus AER is 1 - (2+2)/(4+4) = 1/2.
func TestAERCorpusSumsCounts(t *testing.T) {
	pred := [][]Link{links("0-0"), links("0-0 1-2 2-1")}
	gold := [][]Link{links("0-0"), links("0-0 1-1 2-2")}
	c := CountAll(pred, gold)
	if c != (Counts{A: 4, S: 4, AS: 2, AP: 2}) {
		t.Fatalf("CountAll = %+v", c)
	}
	if math.Abs(c.AER()-0.5) > 1e-12 {
		t.Errorf("corpus AER = %v, want 0.5", c.AER())
	}
}
