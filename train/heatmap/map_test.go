package heatmap

import (
	"errors"
	"io"
	"math"
	"strings"
	"testing"
)

func TestRenderValidation(t *testing.T) {
	two := []string{"a", "b"}
	tests := []struct {
		name    string
		m       Map
		opt     Options
		want    error  // nil: only check the message
		message string // a part of the error message
	}{
		{"no rows", Map{}, Options{}, ErrEmpty, "0 rows"},
		{"no columns", Map{Rows: []string{"a"}, Values: [][]float64{{}}}, Options{}, ErrEmpty, "0 columns"},
		{"ragged", Map{Rows: two, Cols: two, Values: [][]float64{{1, 0}, {1}}}, Options{}, ErrRagged, "row 1 has 1 values, want 2"},
		{"too few row labels", Map{Rows: []string{"a"}, Cols: two, Values: eye(2)}, Options{}, ErrLabels, "1 row labels for 2 rows"},
		{"too many column labels", Map{Rows: two, Cols: []string{"a", "b", "c"}, Values: eye(2)}, Options{}, ErrLabels, "3 column labels for 2 columns"},
		{"NaN", Map{Rows: two, Cols: two, Values: [][]float64{{1, 0}, {0, math.NaN()}}}, Options{}, ErrNotFinite, `NaN at row 1 ("b"), column 1 ("b")`},
		{"infinity", Map{Rows: two, Cols: two, Values: [][]float64{{math.Inf(1), 0}, {0, 1}}}, Options{}, ErrNotFinite, "+Inf at row 0"},
		{"cell too small", Map{Rows: two, Cols: two, Values: eye(2)}, Options{CellSize: 4}, nil, "cell size 4 out of range [12, 256]"},
		{"cell negative", Map{Rows: two, Cols: two, Values: eye(2)}, Options{CellSize: -1}, nil, "cell size -1 out of range"},
		{"cell too large", Map{Rows: two, Cols: two, Values: eye(2)}, Options{CellSize: 1000}, nil, "cell size 1000 out of range"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Render(io.Discard, tt.m, tt.opt)
			if err == nil {
				t.Fatalf("Render = nil, want error containing %q", tt.message)
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("Render = %v, want errors.Is %v", err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.message) {
				t.Errorf("Render = %q, want it to contain %q", err, tt.message)
			}
			if !strings.HasPrefix(err.Error(), "render heatmap") {
				t.Errorf("Render = %q, want it to start with %q", err, "render heatmap")
			}
		})
	}
}

func TestRenderAcceptsEdgeCases(t *testing.T) {
	tests := []struct {
		name string
		m    Map
		opt  Options
	}{
		{"one cell", Map{Rows: []string{"x"}, Cols: []string{"y"}, Values: [][]float64{{0.5}}}, Options{}},
		{"one row, long title", Map{Title: strings.Repeat("long title ", 8), Rows: []string{"x"}, Cols: tokens("s", 3), Values: [][]float64{{0.2, 0.3, 0.5}}}, Options{}},
		{"empty and long tokens", Map{Rows: []string{"", strings.Repeat("ü", 40)}, Cols: []string{"", "▁the"}, Values: eye(2)}, Options{ShowValues: true}},
		{"largest cells", Map{Rows: []string{"x"}, Cols: []string{"y"}, Values: [][]float64{{1}}}, Options{CellSize: MaxCellSize, ShowValues: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			img := render(t, tt.m, tt.opt)
			w, h := Size(tt.m, tt.opt)
			if got := img.Bounds().Size(); got.X != w || got.Y != h {
				t.Errorf("image size = %v, want Size() = %dx%d", got, w, h)
			}
		})
	}
}
