//go:build browser

package serve

import (
	"context"
	"fmt"
	"math"
	"net/http/httptest"
	"os"
	"os/exec"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/seq2seq/transformer/train"
)

// The browser test drives the page in headless Chromium:
//
//	go test -tags browser -run Browser ./serve
//
// SERVE_CHECKPOINT=dir serves that checkpoint instead of a freshly trained
// micro model, SERVE_DATA=dir reads its validation pairs and gold
// alignments from dir instead of the config's data.dir (which is relative
// to where it was trained), and SERVE_SCREENSHOT=file.png saves a picture
// of the page.

// browserModel loads SERVE_CHECKPOINT, or the micro checkpoint of the
// tests (trained for 20 steps on first use).
func browserModel(t *testing.T) *train.Loaded {
	t.Helper()
	path := os.Getenv("SERVE_CHECKPOINT")
	if path == "" {
		return microModel(t)
	}
	l, err := train.LoadModel(path)
	if err != nil {
		t.Fatal(err)
	}
	if dir := os.Getenv("SERVE_DATA"); dir != "" {
		l.Config.Data.Dir = dir
	}
	return l
}

// chromium returns a headless Chromium context, skipping without one.
func chromium(t *testing.T) context.Context {
	t.Helper()
	var bin string
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			bin = p
			break
		}
	}
	if bin == "" {
		t.Skip("no chromium installed")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(bin), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 900),
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 2*time.Minute)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	return ctx
}

// heatmapState is what the test reads back from the page.
type heatmapState struct {
	Translation string
	Cells       int
	Rows        int
	Cols        int
	RowSums     []float64
	Shaded      int      // source words shaded after focusing the first target word
	Outlined    []string // heatmap row labels outlined then
}

const readState = `(() => {
  const rows = [...document.querySelectorAll("#heatmap tbody tr")];
  return {
    Translation: document.getElementById("translation").textContent,
    Cells: document.querySelectorAll("#heatmap td.cell").length,
    Rows: rows.length,
    Cols: document.querySelectorAll("#heatmap thead th").length,
    RowSums: rows.map((r) => [...r.querySelectorAll("td.cell")].reduce((s, td) => s + parseFloat(td.dataset.w), 0)),
    Shaded: [...document.querySelectorAll("#src-strip .tok")].filter((e) => e.style.background !== "").length,
    Outlined: [...document.querySelectorAll("#heatmap tbody th.hl")].map((e) => e.textContent),
  };
})()`

func TestBrowserPage(t *testing.T) {
	ctx := chromium(t)
	l := browserModel(t)
	be, err := NewModelBackend(l, "")
	if err != nil {
		t.Fatal(err)
	}
	s := New(be, DefaultLimits, BatchOptions{MaxBatch: 8, Wait: time.Millisecond, Queue: 64, Workers: 2}, nil)
	s.StartReport(func(ctx context.Context) (*AlignmentReport, error) { return be.ValidReport(ctx, 200) })
	ts := httptest.NewServer(s.Handler())
	defer func() { ts.Close(); s.Close() }()
	wantReport, err := be.ValidReport(context.Background(), 200)
	if err != nil {
		t.Fatalf("the model's alignment report: %v", err)
	}

	text := "a picture catches the dog ."
	want, err := be.Translate([][]string{strings.Fields(text)}, be.Info().DefaultBeam, Want{})
	if err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(ctx,
		chromedp.Navigate(ts.URL),
		chromedp.WaitVisible(chromedp.ID("text")),
		chromedp.Clear(chromedp.ID("text")),
		chromedp.SendKeys(chromedp.ID("text"), text+kb.Enter), // Enter submits
		chromedp.WaitVisible(chromedp.CSS("#heatmap td.cell")),
		chromedp.Focus(chromedp.CSS("#tgt-strip .tok")), // keyboard focus shades the source
	)
	if err != nil {
		t.Fatal(err)
	}
	st, err := chromedp.Run(ctx, chromedp.Evaluate[heatmapState](readState))
	if err != nil {
		t.Fatal(err)
	}
	src, tgt := len(strings.Fields(text)), len(want[0].Target)
	if wantText := strings.Join(want[0].Target, " "); st.Translation != wantText {
		t.Errorf("page shows %q, want %q", st.Translation, wantText)
	}
	if st.Rows != tgt+1 || st.Cols != src || st.Cells != (tgt+1)*src {
		t.Errorf("heatmap %d rows × %d columns, %d cells; want %d × %d", st.Rows, st.Cols, st.Cells, tgt+1, src)
	}
	for i, sum := range st.RowSums {
		if math.Abs(sum-1) > 0.01 {
			t.Errorf("heatmap row %d sums to %v, want 1", i, sum)
		}
	}
	if tgt > 0 && (st.Shaded != src || len(st.Outlined) != 1 || st.Outlined[0] != want[0].Target[0]) {
		t.Errorf("after focusing the first target word: %d of %d source words shaded, heatmap rows %q outlined; want all and [%q]",
			st.Shaded, src, st.Outlined, want[0].Target[0])
	}

	if err := waitReport(ctx, "shown"); err != nil {
		t.Fatalf("the alignment report table never showed: %v", err)
	}
	checkReportTable(t, ctx, wantReport)
	checkTabOrder(t, ctx, src, tgt)

	// The decoder self-attention of layer 1, head 1 is (tgt+1) × (tgt+1).
	if err := chromedp.Do(ctx, choose(map[string]string{"view": "decoder_self", "layer": "0", "head": "0"})); err != nil {
		t.Fatal(err)
	}
	self, err := chromedp.Run(ctx, chromedp.Evaluate[heatmapState](readState))
	if err != nil {
		t.Fatal(err)
	}
	if self.Cells != (tgt+1)*(tgt+1) {
		t.Errorf("decoder self-attention heatmap has %d cells, want %d", self.Cells, (tgt+1)*(tgt+1))
	}
	if shot := os.Getenv("SERVE_SCREENSHOT"); shot != "" {
		err := chromedp.Do(ctx, choose(map[string]string{"view": "cross", "layer": "avg", "head": "avg"}),
			chromedp.Focus(chromedp.CSS("#tgt-strip .tok:nth-of-type(3)")))
		if err != nil {
			t.Fatal(err)
		}
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(shot, png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// choose sets the page's selectors by id, as a user picking an option.
func choose(values map[string]string) chromedp.Action[chromedp.Void] {
	js := ""
	for id, v := range values {
		js += fmt.Sprintf(`{ const e = document.getElementById(%q); e.value = %q; e.dispatchEvent(new Event("change")); }`, id, v)
	}
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := chromedp.Evaluate[bool](js+" true")(ctx, t)
		return chromedp.Void{}, err
	}
}

// TestBrowserAlignmentLinks serves the fake backend, whose "ALIGN"
// sentences come with a reversal alignment: the page must draw one link
// per pair.
func TestBrowserAlignmentLinks(t *testing.T) {
	ctx := chromium(t)
	s := New(&fakeBackend{}, DefaultLimits, BatchOptions{MaxBatch: 8, Wait: time.Millisecond, Queue: 64, Workers: 1}, nil)
	ts := httptest.NewServer(s.Handler())
	defer func() { ts.Close(); s.Close() }()
	err := chromedp.Do(ctx,
		chromedp.Navigate(ts.URL),
		chromedp.WaitVisible(chromedp.ID("text")),
		chromedp.Clear(chromedp.ID("text")),
		chromedp.SendKeys(chromedp.ID("text"), "ALIGN a b c"+kb.Enter),
		chromedp.WaitVisible(chromedp.CSS("#links line")),
	)
	if err != nil {
		t.Fatal(err)
	}
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#links line").length`))
	if err != nil {
		t.Fatal(err)
	}
	if n != 4 {
		t.Errorf("%d alignment links drawn, want 4", n)
	}
	// Each line runs from the bottom centre of its source word to the top
	// centre of its target word, in the svg's coordinates.
	ends, err := chromedp.Run(ctx, chromedp.Evaluate[[][4]float64](`[...document.querySelectorAll("#links line")].map((l, i) => {
	  const box = document.getElementById("links").getBoundingClientRect();
	  const [s, t] = [[0, 3], [1, 2], [2, 1], [3, 0]][i];
	  const a = document.querySelector('#src-strip .tok[data-i="' + s + '"]').getBoundingClientRect();
	  const b = document.querySelector('#tgt-strip .tok[data-i="' + t + '"]').getBoundingClientRect();
	  return [+l.getAttribute("y1") - (a.bottom - box.top), +l.getAttribute("y2") - (b.top - box.top),
	          +l.getAttribute("x1") - (a.left + a.width / 2 - box.left), +l.getAttribute("x2") - (b.left + b.width / 2 - box.left)];
	})`))
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range ends {
		for _, d := range e {
			if d < -1 || d > 1 {
				t.Errorf("link %d is off its words by %v px (y1, y2, x1, x2)", i, e)
				break
			}
		}
	}
	// The links are also written out, and named on each word for screen readers.
	text, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[document.getElementById("align-text").textContent,
	  document.querySelector("#tgt-strip .tok").getAttribute("aria-label")]`))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"Alignment (orange lines): ALIGN → ALIGN, a → A, b → B, c → C", "target word 1: C, aligned to c"}; !reflect.DeepEqual(text, want) {
		t.Errorf("alignment text and first target word's label %q, want %q", text, want)
	}
}

// checkTabOrder presses Tab from the text box: the beam, the button, the
// three selectors, every source and target word, then the heatmap must
// take the focus in that order, each with a name a screen reader reads.
func checkTabOrder(t *testing.T, ctx context.Context, src, tgt int) {
	t.Helper()
	want := []string{"beam", "go", "view", "layer", "head"}
	for i := range src {
		want = append(want, fmt.Sprintf("src %d", i))
	}
	for i := range tgt {
		want = append(want, fmt.Sprintf("tgt %d", i))
	}
	want = append(want, "heatmap")
	if err := chromedp.Do(ctx, chromedp.Focus(chromedp.ID("text"))); err != nil {
		t.Fatal(err)
	}
	var got []string // the focused element, then one more after each Tab
	for range len(want) + 1 {
		name, err := chromedp.Run(ctx, chromedp.Evaluate[[2]string](`(() => {
		  const e = document.activeElement;
		  return [e.id || (e.classList.contains("heatwrap") ? "heatmap" : e.dataset.side + " " + e.dataset.i),
		    e.getAttribute("aria-label") || (e.labels && e.labels[0] ? e.labels[0].textContent : e.textContent)];
		})()`))
		if err == nil {
			err = chromedp.Do(ctx, chromedp.KeyEvent(kb.Tab))
		}
		if err != nil {
			t.Fatal(err)
		}
		if name[1] == "" {
			t.Errorf("focused %s has no accessible name", name[0])
		}
		got = append(got, name[0])
	}
	if got[0] != "text" || !reflect.DeepEqual(got[1:], want) {
		t.Errorf("Tab order %q, want text, then %q", got, want)
	}
}

// reportTable is what the test reads back from the alignment report.
type reportTable struct {
	State   string
	Hidden  bool
	Cells   [][]string // the text of each row's cells
	Heads   []string   // column headers
	Best    []string   // "layer head" of the cells marked best (0-based)
	Caption string
}

const readReport = `(() => {
  const sec = document.getElementById("report"), t = document.getElementById("report-table");
  return {
    State: sec.dataset.state || "",
    Hidden: sec.hidden || sec.offsetParent === null,
    Cells: [...t.querySelectorAll("tbody tr")].map((r) => [...r.querySelectorAll("td")].map((td) => td.textContent)),
    Heads: [...t.querySelectorAll("thead th")].map((th) => th.textContent),
    Best: [...t.querySelectorAll("td.best")].map((td) => td.dataset.layer + " " + td.dataset.head),
    Caption: t.caption ? t.caption.textContent : "",
  };
})()`

// waitReport waits until the report section is in state (computing,
// shown or absent).
func waitReport(ctx context.Context, state string) error {
	_, err := chromedp.Run(ctx, chromedp.Poll[bool](fmt.Sprintf(`document.getElementById("report").dataset.state === %q`, state)))
	return err
}

// checkReportTable compares the page's report table with want.
func checkReportTable(t *testing.T, ctx context.Context, want *AlignmentReport) {
	t.Helper()
	got, err := chromedp.Run(ctx, chromedp.Evaluate[reportTable](readReport))
	if err != nil {
		t.Fatal(err)
	}
	var cells [][]string
	for l, hs := range want.AER {
		var row []string
		for _, x := range append(hs, want.Average[l]) {
			row = append(row, fmt.Sprintf("%.1f", 100*x))
		}
		cells = append(cells, row)
	}
	best := fmt.Sprintf("%d %d", want.BestHead.Layer, want.BestHead.Head)
	if got.Hidden || !reflect.DeepEqual(got.Cells, cells) || len(got.Heads) != want.Heads+2 || len(got.Best) != 1 || got.Best[0] != best ||
		!strings.Contains(got.Caption, fmt.Sprintf("%d validation sentence pairs", want.Sentences)) {
		t.Errorf("report table %+v; want visible, cells %v, %d header cells, best %q, %d pairs in the caption", got, cells, want.Heads+2, best, want.Sentences)
	}
}

// TestBrowserReport serves the fake backend with report functions standing
// in for a model: the table shows a report (also one that is computed
// while the page waits) and is hidden when there is none.
func TestBrowserReport(t *testing.T) {
	ctx := chromium(t)
	fake := &AlignmentReport{Split: "valid", Sentences: 9, Layers: 2, Heads: 3,
		AER: [][]float64{{0.6, 0.5, 0.4}, {0.2, 0.3, 0.05}}, Average: []float64{0.45, 0.1},
		BestHead: HeadScore{Layer: 1, Head: 2, AER: 0.05}, BestAverage: HeadScore{Layer: 1, Head: -1, AER: 0.1}}
	release := make(chan struct{})
	tests := []struct {
		name  string
		f     ReportFunc // nil: no report asked for
		state string     // the state to wait for
	}{
		{"ready", func(context.Context) (*AlignmentReport, error) { return fake, nil }, "shown"},
		{"computed while the page waits", func(ctx context.Context) (*AlignmentReport, error) {
			select {
			case <-release:
				return fake, nil
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}, "shown"},
		{"no report", nil, "absent"},
		{"no gold", func(context.Context) (*AlignmentReport, error) { return nil, ErrNoGold }, "absent"},
	}
	for _, tc := range tests {
		s := New(&fakeBackend{}, DefaultLimits, BatchOptions{MaxBatch: 8, Wait: time.Millisecond, Queue: 64, Workers: 1}, nil)
		if tc.f != nil {
			s.StartReport(tc.f)
		}
		ts := httptest.NewServer(s.Handler())
		err := chromedp.Do(ctx, chromedp.Navigate(ts.URL), chromedp.WaitVisible(chromedp.ID("text")))
		if err == nil && tc.name == "computed while the page waits" {
			err = waitReport(ctx, "computing")
			close(release)
		}
		if err == nil {
			err = waitReport(ctx, tc.state)
		}
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if tc.state == "shown" {
			checkReportTable(t, ctx, fake)
		} else if got, err := chromedp.Run(ctx, chromedp.Evaluate[reportTable](readReport)); err != nil || !got.Hidden {
			t.Errorf("%s: report section %+v (%v), want hidden", tc.name, got, err)
		}
		ts.Close()
		s.Close()
	}
}

// TestBrowserPieceLinks checks the page's pieceLinks, which draws a
// subword model's word links between pieces: every piece of the source
// word to every piece of the target word.
func TestBrowserPieceLinks(t *testing.T) {
	ctx := chromium(t)
	s := New(&fakeBackend{}, DefaultLimits, BatchOptions{MaxBatch: 8, Wait: time.Millisecond, Queue: 64, Workers: 1}, nil)
	ts := httptest.NewServer(s.Handler())
	defer func() { ts.Close(); s.Close() }()
	if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL), chromedp.WaitVisible(chromedp.ID("text"))); err != nil {
		t.Fatal(err)
	}
	got, err := chromedp.Run(ctx, chromedp.Evaluate[[][2]int](`pieceLinks([[0, 1], [1, 0]], ["▁ab", "c", "▁d"], ["▁x", "▁y", "z"])`))
	if err != nil {
		t.Fatal(err)
	}
	if want := [][2]int{{0, 1}, {0, 2}, {1, 1}, {1, 2}, {2, 0}}; !reflect.DeepEqual(got, want) {
		t.Errorf("pieceLinks = %v, want %v", got, want)
	}
}
