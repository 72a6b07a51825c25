package align

import "fmt"

// Argmax links every target word (row of m, indexed [target][source]) to
// the source word it attends to most; ties go to the first. Rows without
// columns give no link.
func Argmax(m [][]float64) []Link {
	links := make([]Link, 0, len(m))
	for j, row := range m {
		best := -1
		for i, v := range row {
			if best < 0 || v > row[best] {
				best = i
			}
		}
		if best >= 0 {
			links = append(links, Link{Src: best, Tgt: j})
		}
	}
	return links
}

// Threshold links every (source, target) cell of m whose weight is at
// least t, in target then source order.
func Threshold(m [][]float64, t float64) []Link {
	var links []Link
	for j, row := range m {
		for i, v := range row {
			if v >= t {
				links = append(links, Link{Src: i, Tgt: j})
			}
		}
	}
	return links
}

// Average returns the element-wise mean of matrices of equal shape (for
// example the heads of one layer). It is an error when there are none or
// their shapes differ.
func Average(ms ...[][]float64) ([][]float64, error) {
	if len(ms) == 0 {
		return nil, fmt.Errorf("average: no matrices")
	}
	out := make([][]float64, len(ms[0]))
	for r := range out {
		out[r] = make([]float64, len(ms[0][r]))
	}
	for k, m := range ms {
		if len(m) != len(out) {
			return nil, fmt.Errorf("average: matrix %d has %d rows, want %d", k, len(m), len(out))
		}
		for r, row := range m {
			if len(row) != len(out[r]) {
				return nil, fmt.Errorf("average: matrix %d row %d has %d columns, want %d", k, r, len(row), len(out[r]))
			}
			for c, v := range row {
				out[r][c] += v
			}
		}
	}
	inv := 1 / float64(len(ms))
	for _, row := range out {
		for c := range row {
			row[c] *= inv
		}
	}
	return out, nil
}

// AverageLayers averages every head of every layer ([layer][head] matrices).
func AverageLayers(layers [][][][]float64) ([][]float64, error) {
	var all [][][]float64
	for _, heads := range layers {
		all = append(all, heads...)
	}
	return Average(all...)
}

// Select picks a layer and head of per-layer, per-head matrices
// ([layer][head][target][source]): layer -1 is the last layer, head -1
// the average of the layer's heads.
func Select(att [][][][]float64, layer, head int) ([][]float64, error) {
	if layer == -1 {
		layer = len(att) - 1
	}
	if layer < 0 || layer >= len(att) {
		return nil, fmt.Errorf("layer %d out of range: %d layers (0-%d)", layer, len(att), len(att)-1)
	}
	heads := att[layer]
	if head == -1 {
		return Average(heads...)
	}
	if head < 0 || head >= len(heads) {
		return nil, fmt.Errorf("head %d out of range: %d heads (0-%d)", head, len(heads), len(heads)-1)
	}
	return heads[head], nil
}

// Crop returns the top-left rows × cols block of m (sharing its storage),
// for example to drop the row of the step that predicts end-of-sentence.
func Crop(m [][]float64, rows, cols int) ([][]float64, error) {
	if rows > len(m) {
		return nil, fmt.Errorf("crop: %d rows of %d", rows, len(m))
	}
	out := make([][]float64, rows)
	for r := range out {
		if cols > len(m[r]) {
			return nil, fmt.Errorf("crop: %d columns of %d in row %d", cols, len(m[r]), r)
		}
		out[r] = m[r][:cols]
	}
	return out, nil
}

// CropEveryHead crops every matrix of att ([layer][head][row][column]) to
// its top-left rows × cols block with Crop; errors name the layer and head.
func CropEveryHead(att [][][][]float64, rows, cols int) ([][][][]float64, error) {
	out := make([][][][]float64, len(att))
	for l, heads := range att {
		out[l] = make([][][]float64, len(heads))
		for h, m := range heads {
			var err error
			if out[l][h], err = Crop(m, rows, cols); err != nil {
				return nil, fmt.Errorf("layer %d head %d: %w", l, h, err)
			}
		}
	}
	return out, nil
}
