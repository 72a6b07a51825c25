package heatmap

import "fmt"

// Average returns the element-wise mean of the heads' attention matrices,
// heads[h][i][j] for head h, target i and source j. It returns nil for no
// heads and panics if the heads differ in shape, a programming error.
func Average(heads [][][]float64) [][]float64 {
	if len(heads) == 0 {
		return nil
	}
	rows := len(heads[0])
	out := make([][]float64, rows)
	for i := range out {
		out[i] = make([]float64, len(heads[0][i]))
	}
	for h, head := range heads {
		if len(head) != rows {
			panic(fmt.Sprintf("heatmap: average: head %d has %d rows, head 0 has %d", h, len(head), rows))
		}
		for i, row := range head {
			if len(row) != len(out[i]) {
				panic(fmt.Sprintf("heatmap: average: head %d row %d has %d values, head 0 has %d", h, i, len(row), len(out[i])))
			}
			for j, v := range row {
				out[i][j] += v
			}
		}
	}
	n := float64(len(heads))
	for _, row := range out {
		for j := range row {
			row[j] /= n
		}
	}
	return out
}
