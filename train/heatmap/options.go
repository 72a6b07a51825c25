package heatmap

import "fmt"

// Cell sizes Render accepts, in pixels. Below the minimum the labels no
// longer fit beside their cells.
const (
	DefaultCellSize = 32
	MinCellSize     = 12
	MaxCellSize     = 256
)

// Options controls how a Map is drawn. The zero value is ready to use.
type Options struct {
	// CellSize is the side of one cell in pixels; 0 means DefaultCellSize.
	CellSize int
	// ShowValues writes each weight, to two decimals, inside its cell.
	// Weights that round to zero are left blank to keep the map readable,
	// and none are written in cells smaller than 18 pixels, which cannot
	// hold them.
	ShowValues bool
}

// withDefaults returns o with zero fields replaced by their defaults.
func (o Options) withDefaults() Options {
	if o.CellSize == 0 {
		o.CellSize = DefaultCellSize
	}
	return o
}

// validate reports whether o, after defaults, can be drawn.
func (o Options) validate() error {
	if o.CellSize < MinCellSize || o.CellSize > MaxCellSize {
		return fmt.Errorf("cell size %d out of range [%d, %d] (0 means %d)",
			o.CellSize, MinCellSize, MaxCellSize, DefaultCellSize)
	}
	return nil
}
