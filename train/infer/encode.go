package infer

import (
	"fmt"
	"math"

	"github.com/seq2seq/transformer/data"
)

// Memory is an encoded batch of source sentences: for each decoder layer
// the cross-attention keys and values of every source position, and which
// positions are padding.
type Memory[T Float] struct {
	model *Model[T]
	start []int // sentence i's positions are rows start[i]:start[i+1]
	pad   [][]T // pad[i][j]: -Inf where position j of sentence i is PAD, else 0 (nil: none is)
	kv    [][]T // per decoder layer (N, 2D): keys | values
}

// Sentences returns the number of source sentences.
func (mem *Memory[T]) Sentences() int { return len(mem.start) - 1 }

// Encode runs the encoder over srcs, one id sequence per sentence, and
// precomputes every decoder layer's cross-attention keys and values.
// Sources longer than the model's positions are truncated, as the graph
// path does. PAD ids are hidden from attention wherever they occur; an
// empty source gives a memory nothing can attend to.
func (m *Model[T]) Encode(srcs [][]int) (*Memory[T], error) {
	d := m.cfg.DModel
	mem := &Memory[T]{model: m, start: make([]int, len(srcs)+1), pad: make([][]T, len(srcs))}
	longest := 0
	for i, src := range srcs {
		src = src[:min(len(src), m.cfg.MaxPositions)]
		mem.start[i+1] = mem.start[i] + len(src)
		longest = max(longest, len(src))
		for j, id := range src {
			if id < 0 || id >= m.cfg.SrcVocab {
				return nil, fmt.Errorf("encode sentence %d: token %d is outside the source vocabulary of %d", i, id, m.cfg.SrcVocab)
			}
			if id == data.PadID {
				if mem.pad[i] == nil {
					mem.pad[i] = make([]T, len(src))
				}
				mem.pad[i][j] = T(math.Inf(-1))
			}
		}
	}
	n := mem.start[len(srcs)]
	pos := m.positions(longest)
	scale := T(math.Sqrt(float64(d)))
	x := make([]T, n*d) // (N, D)
	for i, src := range srcs {
		for j, id := range src[:mem.start[i+1]-mem.start[i]] {
			embed(x[(mem.start[i]+j)*d:(mem.start[i]+j+1)*d], m.srcEmbed[id*d:(id+1)*d], pos[j*d:(j+1)*d], scale)
		}
	}
	h := make([]T, n*d)
	qkv := make([]T, n*3*d)
	ctx := make([]T, n*d)
	ff := make([]T, n*m.cfg.DFF)
	scores := make([]T, longest)
	for l := range m.encoder {
		e := &m.encoder[l]
		e.norm1.forward(h, x)
		e.qkv.forward(qkv, h, n)
		mem.selfAttention(ctx, qkv, scores)
		e.o.forward(h, ctx, n)
		addTo(x, h)
		e.norm2.forward(h, x)
		e.fc1.forward(ff, h, n)
		relu(ff)
		e.fc2.forward(h, ff, n)
		addTo(x, h)
	}
	m.encoderNorm.forward(h, x) // the memory (N, D)
	mem.kv = make([][]T, len(m.decoder))
	for l := range m.decoder {
		mem.kv[l] = make([]T, n*2*d)
		m.decoder[l].crossKV.forward(mem.kv[l], h, n)
	}
	return mem, nil
}

// embed writes the token embedding e·scale plus the position p into x.
func embed[T Float](x, e, p []T, scale T) {
	for k, v := range e {
		x[k] = T(v*scale) + p[k]
	}
}

// selfAttention writes into ctx (N, D) the encoder self-attention of every
// sentence given its queries, keys and values qkv (N, 3D).
func (mem *Memory[T]) selfAttention(ctx, qkv []T, scores []T) {
	cfg := mem.model.cfg
	d, heads := cfg.DModel, cfg.Heads
	dh := d / heads
	scale := T(1 / math.Sqrt(float64(dh)))
	for i := 0; i < mem.Sentences(); i++ {
		first, n := mem.start[i], mem.start[i+1]-mem.start[i]
		base := qkv[first*3*d:]
		for q := 0; q < n; q++ {
			row := (first + q) * d
			for h := 0; h < heads; h++ {
				attend(ctx[row+h*dh:row+(h+1)*dh], qkv[(first+q)*3*d+h*dh:(first+q)*3*d+(h+1)*dh],
					base[d+h*dh:], base[2*d+h*dh:], 3*d, n, mem.pad[i], scale, scores)
			}
		}
	}
}
