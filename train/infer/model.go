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

// New copies the weights of the model described by cfg out of ps,
// converted to T. Projections that consume the same input are joined into
// one matrix; each output column keeps its arithmetic, so the results do
// not change.
func New[T Float](cfg layers.Config, ps *graph.Params) (*Model[T], error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("inference model: %w", err)
	}
	r := &reader[T]{ps: ps}
	d := cfg.DModel
	m := &Model[T]{
		cfg:         cfg,
		srcEmbed:    r.get("src_embed.weight", cfg.SrcVocab, d),
		tgtEmbed:    r.get("tgt_embed.weight", cfg.TgtVocab, d),
		encoderNorm: r.norm("encoder.norm", d),
		decoderNorm: r.norm("decoder.norm", d),
	}
	for i := 0; i < cfg.EncoderLayers; i++ {
		p := fmt.Sprintf("encoder.%d.", i)
		m.encoder = append(m.encoder, encoderLayer[T]{
			norm1: r.norm(p+"norm1", d),
			norm2: r.norm(p+"norm2", d),
			qkv:   r.joined(p+"self_attn.", d, "q", "k", "v"),
			o:     r.linear(p+"self_attn.o", d, d),
			fc1:   r.linear(p+"ff.fc1", d, cfg.DFF),
			fc2:   r.linear(p+"ff.fc2", cfg.DFF, d),
		})
	}
	for i := 0; i < cfg.DecoderLayers; i++ {
		p := fmt.Sprintf("decoder.%d.", i)
		m.decoder = append(m.decoder, decoderLayer[T]{
			norm1:   r.norm(p+"norm1", d),
			norm2:   r.norm(p+"norm2", d),
			norm3:   r.norm(p+"norm3", d),
			selfQKV: r.joined(p+"self_attn.", d, "q", "k", "v"),
			selfO:   r.linear(p+"self_attn.o", d, d),
			crossQ:  r.linear(p+"cross_attn.q", d, d),
			crossKV: r.joined(p+"cross_attn.", d, "k", "v"),
			crossO:  r.linear(p+"cross_attn.o", d, d),
			fc1:     r.linear(p+"ff.fc1", d, cfg.DFF),
			fc2:     r.linear(p+"ff.fc2", cfg.DFF, d),
		})
	}
	if !cfg.TieEmbeddings {
		m.generator = r.get("generator.weight", d, cfg.TgtVocab)
	}
	if r.err != nil {
		return nil, fmt.Errorf("inference model: %w", r.err)
	}
	return m, nil
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

func (r *reader[T]) norm(name string, d int) norm[T] {
	return norm[T]{gamma: r.get(name+".weight", d), beta: r.get(name+".bias", d)}
}

func (r *reader[T]) linear(name string, in, out int) linear[T] {
	return linear[T]{w: r.get(name+".weight", in, out), b: r.get(name+".bias", out), in: in, out: out}
}

// joined returns the square (d, d) Linear layers prefix+sub for each sub
// side by side as one (d, len(subs)*d) layer.
func (r *reader[T]) joined(prefix string, d int, subs ...string) linear[T] {
	n := len(subs) * d
	j := linear[T]{w: make([]T, d*n), b: make([]T, n), in: d, out: n}
	for s, sub := range subs {
		l := r.linear(prefix+sub, d, d)
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
