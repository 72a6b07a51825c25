package data

import (
	"fmt"
	"math/rand/v2"
	"sort"
)

// IterState is an Iterator's position: the epoch and the next batch in it.
type IterState struct {
	Epoch int `json:"epoch"`
	Batch int `json:"batch"`
}

// Iterator yields training batches forever, epoch after epoch. Each epoch's
// order depends only on the seed and the epoch number: the pairs are
// shuffled, sorted by length within pools of 100 batches so batches hold
// similar lengths, cut into batches of exactly batchSize (the last filled
// with empty rows) and the batches shuffled. A State saved at any point and
// restored on a new Iterator continues with exactly the same batches.
type Iterator struct {
	pairs     []Encoded
	batchSize int
	bucket    int
	seed      uint64
	state     IterState
	batches   [][]int // the current epoch's batches as pair indices
}

// NewIterator returns an iterator at the start of epoch 0.
func NewIterator(pairs []Encoded, batchSize, bucket int, seed uint64) *Iterator {
	it := &Iterator{pairs: pairs, batchSize: batchSize, bucket: bucket, seed: seed}
	it.batches = it.epochBatches(0)
	return it
}

// epochBatches computes epoch e's batch order.
func (it *Iterator) epochBatches(e int) [][]int {
	r := rand.New(rand.NewPCG(it.seed, uint64(e)+0x9e3779b9))
	shuffle := func(n int, swap func(i, j int)) {
		for i := n - 1; i > 0; i-- {
			swap(i, int(r.Uint64()%uint64(i+1)))
		}
	}
	order := make([]int, len(it.pairs))
	for i := range order {
		order[i] = i
	}
	shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	pool := 100 * it.batchSize
	for start := 0; start < len(order); start += pool {
		chunk := order[start:min(start+pool, len(order))]
		sort.SliceStable(chunk, func(a, b int) bool { return lengthLess(it.pairs, chunk[a], chunk[b]) })
	}
	var batches [][]int
	for start := 0; start < len(order); start += it.batchSize {
		batches = append(batches, order[start:min(start+it.batchSize, len(order))])
	}
	shuffle(len(batches), func(i, j int) { batches[i], batches[j] = batches[j], batches[i] })
	return batches
}

// Next returns the next batch, moving to the next epoch when one ends.
func (it *Iterator) Next() Batch {
	if it.state.Batch >= len(it.batches) {
		it.state = IterState{Epoch: it.state.Epoch + 1}
		it.batches = it.epochBatches(it.state.Epoch)
	}
	b := MakeBatch(it.pairs, it.batches[it.state.Batch], it.bucket, it.batchSize)
	it.state.Batch++
	return b
}

// State returns the iterator's position.
func (it *Iterator) State() IterState { return it.state }

// Restore moves the iterator to a position returned by State.
func (it *Iterator) Restore(s IterState) error {
	if s.Epoch < 0 || s.Batch < 0 {
		return fmt.Errorf("restore iterator: bad position %+v", s)
	}
	batches := it.epochBatches(s.Epoch)
	if s.Batch > len(batches) {
		return fmt.Errorf("restore iterator: batch %d beyond the %d batches of an epoch (different data?)", s.Batch, len(batches))
	}
	it.state, it.batches = s, batches
	return nil
}

// batchesPerEpoch is the number of batches in one epoch.
func (it *Iterator) batchesPerEpoch() int { return len(it.batches) }
