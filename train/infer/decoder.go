package infer

import (
	"fmt"

	"gorgonia.org/tensor"

	"github.com/seq2seq/transformer/graph"
	"github.com/seq2seq/transformer/layers"
)

// Decoder is a State of either precision, for callers that choose the
// precision at run time from a registry's dtype.
type Decoder interface {
	// Rows returns the number of rows.
	Rows() int
	// Sentence returns the source sentence that row decodes.
	Sentence(row int) int
	// LogProbs appends tokens[i] to row i and returns the log-probabilities
	// of the next token, (Rows, Vt) flattened, in float64.
	LogProbs(tokens []int) ([]float64, error)
	// Reorder makes new row i a copy of old row parents[i].
	Reorder(parents []int)
}

// Start takes a snapshot of model m's weights in ps, computing in the
// registry's dtype, encodes srcs and returns a decoder with one row per
// sentence.
func Start(m *layers.Transformer, ps *graph.Params, srcs [][]int) (Decoder, error) {
	switch ps.Dtype {
	case tensor.Float32:
		return start[float32](m, ps, srcs)
	case tensor.Float64:
		return start[float64](m, ps, srcs)
	}
	return nil, fmt.Errorf("inference model: unsupported dtype %v", ps.Dtype)
}

func start[T Float](m *layers.Transformer, ps *graph.Params, srcs [][]int) (Decoder, error) {
	im, err := New[T](m, ps)
	if err != nil {
		return nil, err
	}
	mem, err := im.Encode(srcs)
	if err != nil {
		return nil, err
	}
	return mem.Start(), nil
}
