package curves

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeFile writes content to path or fails the test.
func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// goldenRun returns a run directory holding the golden metrics.jsonl.
func goldenRun(t *testing.T) string {
	t.Helper()
	golden, err := os.ReadFile(filepath.Join("testdata", MetricsFile))
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "micro")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, MetricsFile), string(golden))
	return dir
}

// decode reads the PNG at path.
func decode(t *testing.T, path string) image.Image {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("decode %s: %v", path, err)
	}
	return img
}

// colorCount returns how many pixels of img have each colour.
func colorCount(img image.Image) map[color.RGBA]int {
	counts := map[color.RGBA]int{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, a := img.At(x, y).RGBA()
			counts[color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(bl >> 8), uint8(a >> 8)}]++
		}
	}
	return counts
}

func TestWriteGolden(t *testing.T) {
	run := goldenRun(t)
	if err := Write(run, ""); err != nil {
		t.Fatal(err)
	}
	img := decode(t, filepath.Join(run, FileName))
	if got := img.Bounds().Size(); got != (image.Point{WidthPx, HeightPx}) {
		t.Fatalf("image size %v, want %dx%d", got, WidthPx, HeightPx)
	}
	counts := colorCount(img)
	white := color.RGBA{255, 255, 255, 255}
	if n := WidthPx * HeightPx; counts[white] > n*97/100 || counts[white] < n/2 {
		t.Errorf("%d of %d pixels white, want a white background with curves on it", counts[white], n)
	}
	// Every curve must show: the 2-point lines have pixels of their exact
	// colour along their middle.
	for _, c := range []struct {
		name string
		col  color.RGBA
	}{{"smoothed loss", lossColor}, {"valid loss", validColor}, {"valid BLEU", bleuColor}, {"learning rate", lrColor}} {
		if counts[c.col] < 50 {
			t.Errorf("%s colour %v on %d pixels, want a drawn curve", c.name, c.col, counts[c.col])
		}
	}
}

func TestWriteDeterministic(t *testing.T) {
	run := goldenRun(t)
	a, b := filepath.Join(t.TempDir(), "a.png"), filepath.Join(t.TempDir(), "b.png")
	for _, out := range []string{a, b} {
		if err := Write(run, out); err != nil {
			t.Fatal(err)
		}
	}
	ba, _ := os.ReadFile(a)
	bb, _ := os.ReadFile(b)
	if len(ba) == 0 || !bytes.Equal(ba, bb) {
		t.Fatalf("two renders of the same metrics differ (%d and %d bytes)", len(ba), len(bb))
	}
}

func TestWriteErrors(t *testing.T) {
	empty := t.TempDir()
	malformed := t.TempDir()
	writeFile(t, filepath.Join(malformed, MetricsFile), "{\"step\":1}\n{oops}\n")
	good := goldenRun(t)
	tests := []struct {
		name, run, out string
		want           []string
	}{
		{"no metrics file", empty, "", []string{filepath.Join(empty, MetricsFile), "no such file"}},
		{"malformed line", malformed, "", []string{filepath.Join(malformed, MetricsFile), "line 2"}},
		{"output directory missing", good, filepath.Join(good, "nope", "c.png"), []string{filepath.Join(good, "nope", "c.png")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Write(tt.run, tt.out)
			if err == nil {
				t.Fatal("Write succeeded, want an error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Write error %q does not contain %q", err, w)
				}
			}
			if _, serr := os.Stat(filepath.Join(tt.run, FileName)); serr == nil {
				t.Errorf("a failed Write left %s", FileName)
			}
		})
	}
}

func TestWriteReplacesOld(t *testing.T) {
	run := goldenRun(t)
	out := filepath.Join(run, FileName)
	writeFile(t, out, "stale")
	if err := Write(run, ""); err != nil {
		t.Fatal(err)
	}
	decode(t, out)
	names, _ := filepath.Glob(filepath.Join(run, ".*"))
	if len(names) != 0 {
		t.Errorf("temporary files left: %v", names)
	}
}

// BenchmarkRender measures one render of the golden metrics, the work
// the trainer adds to each evaluation.
func BenchmarkRender(b *testing.B) {
	recs, err := ReadFile(filepath.Join("testdata", MetricsFile))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if err := Render(io.Discard, recs, "micro"); err != nil {
			b.Fatal(err)
		}
	}
}
