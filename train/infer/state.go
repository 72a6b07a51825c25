package infer

import (
	"fmt"
	"math"
)

// State is incremental decoding over a Memory: a set of rows, each decoding
// one source sentence, all at the same position. Every row keeps each
// decoder layer's self-attention keys and values of its past positions.
type State[T Float] struct {
	mem   *Memory[T]
	sents []int   // source sentence of each row
	n     int     // positions decoded so far
	cache [][][]T // [layer][row] (n, 2D): self-attention keys | values
	// scratch, reused across steps
	x, h, qkv, ctx, ff, logits, scores []T
	lp                                 []float64
}

// Start begins decoding with one row per source sentence, row i decoding
// sentence i.
func (mem *Memory[T]) Start() *State[T] {
	s := &State[T]{mem: mem, sents: make([]int, mem.Sentences()), cache: make([][][]T, len(mem.model.decoder))}
	for i := range s.sents {
		s.sents[i] = i
	}
	for l := range s.cache {
		s.cache[l] = make([][]T, len(s.sents))
	}
	return s
}

// Rows returns the number of rows.
func (s *State[T]) Rows() int { return len(s.sents) }

// Len returns the number of positions decoded so far.
func (s *State[T]) Len() int { return s.n }

// Sentence returns the source sentence that row decodes.
func (s *State[T]) Sentence(row int) int { return s.sents[row] }

// Reorder makes new row i a copy of old row parents[i], self-attention
// cache included. Parents may repeat (a hypothesis with several children)
// or be left out (finished or pruned rows, which then cost nothing).
func (s *State[T]) Reorder(parents []int) {
	sents := make([]int, len(parents))
	owner := make([]int, len(s.sents)) // first new row taking each old row's buffers, plus one
	for i, p := range parents {
		if p < 0 || p >= len(s.sents) {
			panic(fmt.Sprintf("infer: reorder to parent %d of %d rows", p, len(s.sents)))
		}
		sents[i] = s.sents[p]
		if owner[p] == 0 {
			owner[p] = i + 1
		}
	}
	for l, rows := range s.cache {
		next := make([][]T, len(parents))
		for i, p := range parents {
			if owner[p] == i+1 {
				next[i] = rows[p] // the first child takes the buffer
			} else {
				next[i] = append(make([]T, 0, cap(rows[p])), rows[p]...)
			}
		}
		s.cache[l] = next
	}
	s.sents = sents
}

// Logits appends tokens[i] to row i at the next position and returns the
// rows' logits for the position after it, (Rows, Vt) flattened. The slice
// is reused by the next call.
func (s *State[T]) Logits(tokens []int) ([]T, error) {
	m := s.mem.model
	cfg := m.cfg
	d, r, v := cfg.DModel, len(s.sents), cfg.TgtVocab
	if len(tokens) != r {
		return nil, fmt.Errorf("decode step: %d tokens for %d rows", len(tokens), r)
	}
	if s.n >= cfg.MaxPositions {
		return nil, fmt.Errorf("decode step: target length %d exceeds model.max_positions %d", s.n+1, cfg.MaxPositions)
	}
	s.x, s.h, s.ctx = grow(s.x, r*d), grow(s.h, r*d), grow(s.ctx, r*d)
	s.qkv, s.ff = grow(s.qkv, r*3*d), grow(s.ff, r*cfg.DFF)
	s.scores = grow(s.scores, max(s.n+1, s.longestSource()))
	pos := m.positions(s.n + 1)[s.n*d : (s.n+1)*d]
	scale := T(math.Sqrt(float64(d)))
	for i, id := range tokens {
		if id < 0 || id >= v {
			return nil, fmt.Errorf("decode step: token %d is outside the target vocabulary of %d", id, v)
		}
		embed(s.x[i*d:(i+1)*d], m.tgtEmbed[id*d:(id+1)*d], pos, scale)
	}
	for l := range m.decoder {
		dl := &m.decoder[l]
		dl.norm1.forward(s.h, s.x)
		dl.selfQKV.forward(s.qkv, s.h, r)
		for i := range s.sents {
			s.cache[l][i] = append(s.cache[l][i], s.qkv[i*3*d+d:(i+1)*3*d]...)
		}
		s.selfAttention(l)
		dl.selfO.forward(s.h, s.ctx, r)
		addTo(s.x, s.h)
		dl.norm2.forward(s.h, s.x)
		dl.crossQ.forward(s.qkv, s.h, r) // the queries, (R, D)
		s.crossAttention(l)
		dl.crossO.forward(s.h, s.ctx, r)
		addTo(s.x, s.h)
		dl.norm3.forward(s.h, s.x)
		dl.fc1.forward(s.ff, s.h, r)
		relu(s.ff)
		dl.fc2.forward(s.h, s.ff, r)
		addTo(s.x, s.h)
	}
	s.n++
	m.decoderNorm.forward(s.h, s.x)
	s.logits = grow(s.logits, r*v)
	if m.generator != nil {
		gemm(false, r, v, d, s.h, m.generator, 0, s.logits)
	} else {
		gemm(true, r, v, d, s.h, m.tgtEmbed, 0, s.logits) // y·Eᵀ
	}
	return s.logits, nil
}

// LogProbs is Logits followed by a float64 log-softmax of every row. The
// slice is reused by the next call.
func (s *State[T]) LogProbs(tokens []int) ([]float64, error) {
	logits, err := s.Logits(tokens)
	if err != nil {
		return nil, err
	}
	v := s.mem.model.cfg.TgtVocab
	if cap(s.lp) < len(logits) {
		s.lp = make([]float64, len(logits))
	}
	s.lp = s.lp[:len(logits)]
	for i := 0; i < len(logits); i += v {
		LogSoftmax(s.lp[i:i+v], logits[i:i+v])
	}
	return s.lp, nil
}

func (s *State[T]) longestSource() int {
	n := 0
	for _, i := range s.sents {
		n = max(n, s.mem.start[i+1]-s.mem.start[i])
	}
	return n
}

// selfAttention writes into ctx the causal self-attention of layer l for
// the newest position of every row, over the row's cached keys and values.
func (s *State[T]) selfAttention(l int) {
	cfg := s.mem.model.cfg
	d, heads := cfg.DModel, cfg.Heads
	dh := d / heads
	scale := T(1 / math.Sqrt(float64(dh)))
	for i := range s.sents {
		kv := s.cache[l][i]
		q := s.qkv[i*3*d : i*3*d+d]
		for h := 0; h < heads; h++ {
			attend(s.ctx[i*d+h*dh:i*d+(h+1)*dh], q[h*dh:(h+1)*dh], kv[h*dh:], kv[d+h*dh:], 2*d, s.n+1, nil, scale, s.scores)
		}
	}
}

// crossAttention writes into ctx the attention of layer l from the
// queries in qkv (R, D) to each row's source sentence.
func (s *State[T]) crossAttention(l int) {
	cfg := s.mem.model.cfg
	d, heads := cfg.DModel, cfg.Heads
	dh := d / heads
	scale := T(1 / math.Sqrt(float64(dh)))
	for i, sent := range s.sents {
		first, n := s.mem.start[sent], s.mem.start[sent+1]-s.mem.start[sent]
		if n == 0 { // an empty source: nothing to attend to
			clear(s.ctx[i*d : (i+1)*d])
			continue
		}
		kv := s.mem.kv[l][first*2*d:]
		q := s.qkv[i*d : (i+1)*d]
		for h := 0; h < heads; h++ {
			attend(s.ctx[i*d+h*dh:i*d+(h+1)*dh], q[h*dh:(h+1)*dh], kv[h*dh:], kv[d+h*dh:], 2*d, n, s.mem.pad[sent], scale, s.scores)
		}
	}
}
