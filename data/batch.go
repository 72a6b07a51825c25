package data

import (
	"sort"

	"github.com/seq2seq/transformer/align"
)

// Encoded is a sentence pair as ids, without BOS or EOS. Links, when the
// corpus has gold alignments (guided alignment reads them), are the pair's
// gold word links; they travel with the pair through FilterLength.
type Encoded struct {
	Src, Tgt []int
	Links    []align.Link
}

// Batch is B sentence pairs laid out for a fixed-shape graph: source (B, S),
// decoder input BOS+target and expected output target+EOS (B, T), all
// PAD-padded row-major. S and T are rounded up to a multiple of the bucket
// size so that only a few shapes occur.
type Batch struct {
	B, S, T              int
	Src, TgtIn, TgtOut   []int
	SrcTokens, TgtTokens int   // non-pad tokens; TgtTokens counts EOS
	Index                []int // input index of each row, -1 for filler rows
}

// BucketLen rounds a sequence length n up to a multiple of bucket (data.bucket;
// below 1 counts as 1), at least 2: a one-row matrix would be taken for a
// vector by Gorgonia's Mul. Every graph length (training batches, decoding,
// attention) is rounded by it, so that only a few shapes occur.
func BucketLen(n, bucket int) int {
	bucket = max(bucket, 1)
	n = max(n, 2)
	return (n + bucket - 1) / bucket * bucket
}

// MakeBatch lays out pairs[idx...] as a Batch; fillTo > len(idx) adds
// all-PAD filler rows so that B == fillTo.
func MakeBatch(pairs []Encoded, idx []int, bucket, fillTo int) Batch {
	b := Batch{B: max(len(idx), fillTo)}
	s, t := 0, 0
	for _, i := range idx {
		s, t = max(s, len(pairs[i].Src)), max(t, len(pairs[i].Tgt)+1)
	}
	b.S, b.T = BucketLen(s, bucket), BucketLen(t, bucket)
	b.Src, b.TgtIn, b.TgtOut = make([]int, b.B*b.S), make([]int, b.B*b.T), make([]int, b.B*b.T)
	b.Index = make([]int, b.B)
	for r := range b.Index {
		b.Index[r] = -1
	}
	for r, i := range idx {
		p := pairs[i]
		b.Index[r] = i
		copy(b.Src[r*b.S:], p.Src)
		b.TgtIn[r*b.T] = BOSID
		copy(b.TgtIn[r*b.T+1:], p.Tgt)
		copy(b.TgtOut[r*b.T:], p.Tgt)
		b.TgtOut[r*b.T+len(p.Tgt)] = EOSID
		b.SrcTokens += len(p.Src)
		b.TgtTokens += len(p.Tgt) + 1
	}
	return b
}

// FilterLength drops pairs with a source or target longer than maxLen.
func FilterLength(pairs []Encoded, maxLen int) (kept []Encoded, dropped int) {
	for _, p := range pairs {
		if len(p.Src) > maxLen || len(p.Tgt) > maxLen {
			dropped++
			continue
		}
		kept = append(kept, p)
	}
	return kept, dropped
}

// EvalBatches cuts pairs into batches of up to batchSize pairs of similar
// length (sorted by length; Index maps rows back).
func EvalBatches(pairs []Encoded, batchSize, bucket int) []Batch {
	order := make([]int, len(pairs))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return lengthLess(pairs, order[a], order[b]) })
	var out []Batch
	for start := 0; start < len(order); start += batchSize {
		out = append(out, MakeBatch(pairs, order[start:min(start+batchSize, len(order))], bucket, 0))
	}
	return out
}

func lengthLess(pairs []Encoded, i, j int) bool {
	if len(pairs[i].Src) != len(pairs[j].Src) {
		return len(pairs[i].Src) < len(pairs[j].Src)
	}
	return len(pairs[i].Tgt) < len(pairs[j].Tgt)
}
