package serve

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"
)

// wordAlignment is the word alignment Translate gives with the words
// tokenizer: cross cropped to the words (wordRows), then argmaxLinks.
func wordAlignment(cross [][][][]float64, tgtLen, srcLen, layer, head int) ([][2]int, error) {
	words, err := wordRows(cross, tgtLen, srcLen)
	if err != nil {
		return nil, err
	}
	return argmaxLinks(words, layer, head)
}

func TestWordAlignment(t *testing.T) {
	// Two layers of two heads over 3 source words and 2 target words (3
	// rows: the last predicts EOS). Layer 0 points elsewhere, so only the
	// last layer may count; its heads disagree on target word 1, where
	// their average picks source 0; the EOS row (pointing at source 2)
	// must be dropped.
	layer0 := [][]float64{{0, 0, 1}, {0, 0, 1}, {1, 0, 0}}
	cross := [][][][]float64{
		{layer0, layer0},
		{
			{{0.1, 0.8, 0.1}, {0.6, 0.4, 0}, {0, 0, 1}},
			{{0.2, 0.7, 0.1}, {0.3, 0.1, 0.6}, {0, 0, 1}},
		},
	}
	tests := []struct {
		tgt, src, layer, head int
		want                  [][2]int
	}{
		{2, 3, -1, -1, [][2]int{{0, 1}, {1, 0}}},
		{1, 3, -1, -1, [][2]int{{1, 0}}},
		{0, 3, -1, -1, [][2]int{}},
		{2, 2, -1, -1, [][2]int{{0, 1}, {1, 0}}},
		{2, 3, 1, 1, [][2]int{{1, 0}, {2, 1}}},
		{2, 3, 0, -1, [][2]int{{2, 0}, {2, 1}}},
	}
	for _, tc := range tests {
		got, err := wordAlignment(cross, tc.tgt, tc.src, tc.layer, tc.head)
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("wordAlignment(%d target, %d source, layer %d, head %d) = %v, %v; want %v", tc.tgt, tc.src, tc.layer, tc.head, got, err, tc.want)
		}
	}
	if _, err := wordAlignment(cross, 4, 3, -1, -1); err == nil {
		t.Errorf("wordAlignment with more target words than rows: no error")
	}
}

// TestModelAlignment translates with the micro model: asked for alignment
// or attention, every sentence has one link per target word inside both
// sentences, the same either way; not asked, none.
func TestModelAlignment(t *testing.T) {
	be, err := NewModelBackend(microModel(t), "")
	if err != nil {
		t.Fatal(err)
	}
	_, ts := testServer(t, be, DefaultLimits, quick)
	texts := `["a picture catches the dog .", "", "the dog sees a cat ."]`
	var got [3]struct {
		Tokens    tokensJSON `json:"tokens"`
		Alignment [][][2]int `json:"alignment"`
	}
	for i, extra := range []string{`"alignment": true`, `"attention": true`, `"beam": 2`} {
		resp, err := http.Post(ts.URL+"/v1/translate", "application/json", strings.NewReader(`{"texts": `+texts+`, `+extra+`}`))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err := json.Unmarshal(b, &got[i]); err != nil || resp.StatusCode != 200 {
			t.Fatalf("with %s: %d %s", extra, resp.StatusCode, b)
		}
	}
	if got[2].Alignment != nil {
		t.Errorf("alignment %v returned without being asked", got[2].Alignment)
	}
	if !reflect.DeepEqual(got[0].Alignment, got[1].Alignment) {
		t.Errorf("alignment asked %v, with attention %v; want equal", got[0].Alignment, got[1].Alignment)
	}
	a := got[0]
	if len(a.Alignment) != 3 || a.Alignment[1] == nil || len(a.Alignment[1]) != 0 {
		t.Fatalf("alignment %v: want one per text, [] for the empty one", a.Alignment)
	}
	for i, links := range a.Alignment {
		src, tgt := len(a.Tokens.Source[i]), len(a.Tokens.Target[i])
		if len(links) != tgt {
			t.Errorf("sentence %d: %d links for %d target words", i, len(links), tgt)
		}
		for j, l := range links {
			if l[0] < 0 || l[0] >= src || l[1] < 0 || l[1] >= tgt {
				t.Errorf("sentence %d: link %v outside %d source × %d target words", i, l, src, tgt)
			}
			if j > 0 && (l[0] < links[j-1][0] || l[0] == links[j-1][0] && l[1] <= links[j-1][1]) {
				t.Errorf("sentence %d: links %v not sorted by source then target", i, links)
			}
		}
	}
}

// TestModelAlignmentReport computes the report of the micro model on its
// toy validation pairs through the endpoint, and checks it says there is
// nothing to score when the data directory has no gold alignments.
func TestModelAlignmentReport(t *testing.T) {
	l := microModel(t)
	be, err := NewModelBackend(l, "")
	if err != nil {
		t.Fatal(err)
	}
	s, ts := testServer(t, be, DefaultLimits, quick)
	s.StartReport(func(ctx context.Context) (*AlignmentReport, error) { return be.ValidReport(ctx, 12) })
	var status int
	var out map[string]any
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(20 * time.Millisecond) {
		if status, _, out = getReport(t, ts.URL); status != http.StatusServiceUnavailable || time.Now().After(deadline) {
			break
		}
	}
	if status != 200 {
		t.Fatalf("report: %d %v, want 200", status, out)
	}
	var rep AlignmentReport
	b, _ := json.Marshal(out)
	json.Unmarshal(b, &rep)
	cfg := l.Model.Cfg
	if rep.Split != "valid" || rep.Sentences != 12 || rep.Layers != cfg.DecoderLayers || rep.Heads != cfg.Heads ||
		len(rep.AER) != cfg.DecoderLayers || len(rep.AER[0]) != cfg.Heads || len(rep.Average) != cfg.DecoderLayers {
		t.Fatalf("report %+v: want 12 valid pairs, %d layers × %d heads", rep, cfg.DecoderLayers, cfg.Heads)
	}
	best := rep.BestHead
	for li, hs := range rep.AER {
		for h, x := range hs {
			if x < 0 || x > 1 || x < best.AER {
				t.Errorf("layer %d head %d: AER %v outside [0, 1] or below the best head's %v", li, h, x, best.AER)
			}
		}
	}
	if best.AER != rep.AER[best.Layer][best.Head] || rep.BestAverage.Head != -1 || rep.BestAverage.AER != rep.Average[rep.BestAverage.Layer] {
		t.Errorf("best head %+v, best average %+v do not match the table %v %v", best, rep.BestAverage, rep.AER, rep.Average)
	}

	// The same model over a data directory without the corpus.
	l.Config.Data.Dir = t.TempDir()
	if _, err := be.ValidReport(context.Background(), 12); !errors.Is(err, ErrNoGold) || !strings.Contains(err.Error(), "valid.") {
		t.Errorf("ValidReport without data: %v, want ErrNoGold naming the missing file", err)
	}
}
