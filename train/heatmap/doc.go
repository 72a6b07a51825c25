// Package heatmap renders an attention matrix as a PNG heat map that a person
// can read at a glance: generated target tokens run down the left side (row 0
// at the top), source tokens run along the bottom (left to right), each cell
// is shaded from near white (weight 0) to dark blue (weight 1), and a colour
// bar on the right gives the scale.
//
// # Layout
//
// The image is laid out in whole pixels (it is drawn at 72 dpi, one point to
// the pixel) so that a cell's position is known exactly; see CellCenter.
// From the top left:
//
//	+------------------------------------------------------------+
//	|                  title (if any, bold)                      |
//	|   row labels +--------------------------+   +--+ 1         |
//	| t       The -|  CellSize x CellSize     |   |  | 0.75      |
//	| a    little -|  cells, row 0 at the top |   |  | ...       |
//	| r       ... -|                          |   |  | 0         |
//	| g            +--------------------------+   +--+           |
//	| e             column labels, vertical if   colour bar      |
//	| t             any is wider than a cell                     |
//	|                        source                              |
//	+------------------------------------------------------------+
//
// The margins depend only on the labels, the title and CellSize, never on
// the values, so Size and CellCenter need no rendering.
//
// # Text
//
// Text is set in Liberation Sans, which gonum.org/v1/plot embeds, so
// rendering needs no system fonts and works offline. Labels longer than 16
// characters are cut short with an ellipsis, an empty token is shown as "",
// SentencePiece's word-start mark "▁" as "_", and any other character the
// font lacks (CJK, for one) as "□", so that no label comes out blank.
//
// # Colour
//
// The colour scale is fixed to [0, 1] so that maps of different sentences,
// layers and heads can be compared; values outside it are drawn in the
// colour of the nearer end. It interpolates ColorBrewer's "Blues" so that
// lightness falls linearly with the weight.
package heatmap
