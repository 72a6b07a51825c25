package heatmap

import (
	"reflect"
	"testing"
)

func TestAverage(t *testing.T) {
	tests := []struct {
		name  string
		heads [][][]float64
		want  [][]float64
	}{
		{"no heads", nil, nil},
		{"one head", [][][]float64{{{0.25, 0.75}}}, [][]float64{{0.25, 0.75}}},
		{"two heads", [][][]float64{eye(2), flip(2)}, [][]float64{{0.5, 0.5}, {0.5, 0.5}}},
		{"three heads", [][][]float64{
			{{1, 0, 0}, {0, 1, 0}},
			{{0, 1, 0}, {0, 1, 0}},
			{{0, 0, 1}, {0, 1, 0}},
		}, [][]float64{{1.0 / 3, 1.0 / 3, 1.0 / 3}, {0, 1, 0}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Average(tt.heads); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Average(%v) = %v, want %v", tt.heads, got, tt.want)
			}
		})
	}
}

func TestAverageDoesNotModifyHeads(t *testing.T) {
	heads := [][][]float64{eye(2), eye(2)}
	Average(heads)
	if !reflect.DeepEqual(heads[0], eye(2)) {
		t.Errorf("Average changed head 0 to %v", heads[0])
	}
}

func TestAveragePanicsOnShapeMismatch(t *testing.T) {
	tests := []struct {
		name  string
		heads [][][]float64
	}{
		{"rows", [][][]float64{eye(2), eye(3)}},
		{"columns", [][][]float64{eye(2), {{1, 0}, {0, 1, 0}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("Average(%v) did not panic", tt.heads)
				}
			}()
			Average(tt.heads)
		})
	}
}
