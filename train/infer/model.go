package infer

import (
	"fmt"

	"github.com/seq2seq/transformer/graph"
	"github.com/seq2seq/transformer/layers"
)

// Float is the element type the engine computes in.
type Float interface{ float32 | float64 }

// Model is a snapshot of a Transformer's weights with the plain-Go encoder
// and decoder over them. The parameter names and layouts are those of
// layers.Transformer.
type Model[T Float] struct {
	cfg                layers.Config
	srcEmbed, tgtEmbed []T // (V, D)
	pos                []T // (n, D) sinusoidal positions, grown on demand
	encoder            []encoderLayer[T]
	encoderNorm        norm[T]
	decoder            []decoderLayer[T]
	decoderNorm        norm[T]
	generator          []T // (D, Vt); nil with tied embeddings
}

// linear is y = x·w + b with w (in, out) and b (out).
type linear[T Float] struct {
	w, b    []T
	in, out int
}

// norm is a LayerNorm's gain and shift, each (D).
type norm[T Float] struct{ gamma, beta []T }

// encoderLayer is layers.EncoderLayer; qkv is the self-attention's query,
// key and value projections side by side, (D, 3D).
type encoderLayer[T Float] struct {
	norm1, norm2 norm[T]
	qkv, o       linear[T]
	fc1, fc2     linear[T]
}

// decoderLayer is layers.DecoderLayer; selfQKV is (D, 3D), crossKV the
// cross-attention's key and value projections side by side, (D, 2D).
type decoderLayer[T Float] struct {
	norm1, norm2, norm3 norm[T]
	selfQKV, selfO      linear[T]
	crossQ, crossKV     linear[T]
	crossO              linear[T]
	fc1, fc2            linear[T]
}

// New copies the weights of model m out of ps, converted to T, finding
// each by the name m's layers registered it under. Projections that consume
// the same input are joined into one matrix; each output column keeps its
// arithmetic, so the results do not change.
func New[T Float](m *layers.Transformer, ps *graph.Params) (*Model[T], error) {
	cfg := m.Cfg
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("inference model: %w", err)
	}
	r := &reader[T]{ps: ps}
	d := cfg.DModel
	im := &Model[T]{
		cfg:         cfg,
		srcEmbed:    r.get(m.SrcEmbed.Weight, cfg.SrcVocab, d),
		tgtEmbed:    r.get(m.TgtEmbed.Weight, cfg.TgtVocab, d),
		encoderNorm: r.norm(m.EncoderNorm),
		decoderNorm: r.norm(m.DecoderNorm),
	}
	for _, l := range m.Encoder {
		a := l.SelfAttn
		im.encoder = append(im.encoder, encoderLayer[T]{
			norm1: r.norm(l.Norm1),
			norm2: r.norm(l.Norm2),
			qkv:   r.joined(a.Q, a.K, a.V),
			o:     r.linear(a.O),
			fc1:   r.linear(l.FF.FC1),
			fc2:   r.linear(l.FF.FC2),
		})
	}
	for _, l := range m.Decoder {
		sa, ca := l.SelfAttn, l.CrossAttn
		im.decoder = append(im.decoder, decoderLayer[T]{
			norm1:   r.norm(l.Norm1),
			norm2:   r.norm(l.Norm2),
			norm3:   r.norm(l.Norm3),
			selfQKV: r.joined(sa.Q, sa.K, sa.V),
			selfO:   r.linear(sa.O),
			crossQ:  r.linear(ca.Q),
			crossKV: r.joined(ca.K, ca.V),
			crossO:  r.linear(ca.O),
			fc1:     r.linear(l.FF.FC1),
			fc2:     r.linear(l.FF.FC2),
		})
	}
	if m.Generator != "" {
		im.generator = r.get(m.Generator, d, cfg.TgtVocab)
	}
	if r.err != nil {
		return nil, fmt.Errorf("inference model: %w", r.err)
	}
	return im, nil
}

// Config returns the model's configuration.
func (m *Model[T]) Config() layers.Config { return m.cfg }

// positions returns the sinusoidal encodings of the first n positions,
// (n, D), as the graph's constant of dtype T holds them.
func (m *Model[T]) positions(n int) []T {
	d := m.cfg.DModel
	if len(m.pos) < n*d {
		n = min(max(n, 2*len(m.pos)/d, 64), m.cfg.MaxPositions)
		m.pos = convert[T](layers.Positions(1, n, d))
	}
	return m.pos
}

// reader copies parameters out of a registry, keeping the first error.
type reader[T Float] struct {
	ps  *graph.Params
	err error
}

// get returns a copy of the parameter called name, which must have the
// given shape.
func (r *reader[T]) get(name string, shape ...int) []T {
	if r.err != nil {
		return nil
	}
	p := r.ps.Get(name)
	if p == nil {
		r.err = fmt.Errorf("no parameter %q", name)
		return nil
	}
	got := p.Shape()
	same := len(got) == len(shape)
	for i := 0; same && i < len(shape); i++ {
		same = got[i] == shape[i]
	}
	if !same {
		r.err = fmt.Errorf("parameter %q has shape %v, want %v", name, got, shape)
		return nil
	}
	switch data := p.Value.Data().(type) {
	case []float32:
		return convert[T](data)
	case []float64:
		return convert[T](data)
	}
	r.err = fmt.Errorf("parameter %q: unsupported data %T", name, p.Value.Data())
	return nil
}

func (r *reader[T]) norm(l *layers.LayerNorm) norm[T] {
	return norm[T]{gamma: r.get(l.Weight, l.Dim), beta: r.get(l.Bias, l.Dim)}
}

func (r *reader[T]) linear(l *layers.Linear) linear[T] {
	return linear[T]{w: r.get(l.Weight, l.In, l.Out), b: r.get(l.Bias, l.Out), in: l.In, out: l.Out}
}

// joined returns square (d, d) Linear layers side by side as one
// (d, len(ls)*d) layer.
func (r *reader[T]) joined(ls ...*layers.Linear) linear[T] {
	d := ls[0].In
	n := len(ls) * d
	j := linear[T]{w: make([]T, d*n), b: make([]T, n), in: d, out: n}
	for s, ll := range ls {
		l := r.linear(ll)
		if r.err != nil {
			return j
		}
		for p := 0; p < d; p++ {
			copy(j.w[p*n+s*d:p*n+(s+1)*d], l.w[p*d:(p+1)*d])
		}
		copy(j.b[s*d:(s+1)*d], l.b)
	}
	return j
}

// convert returns a copy of src converted to T.
func convert[T, S Float](src []S) []T {
	out := make([]T, len(src))
	for i, v := range src {
		out[i] = T(v)
	}
	return out
}
