package serve

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"
)

// Errors of submit: the queue has no room, or the batcher is stopped.
var (
	errQueueFull = errors.New("queue full")
	errStopped   = errors.New("server stopping")
)

// BatchOptions sizes dynamic batching.
type BatchOptions struct {
	MaxBatch int           // most sentences decoded together
	Wait     time.Duration // longest a batch waits for more sentences after its first
	Queue    int           // most sentences waiting; more are refused
	Workers  int           // batches decoded at once
}

// key groups sentences that can be decoded together.
type key struct {
	beam int
	want Want
}

// item is one sentence of a request waiting to be decoded.
type item struct {
	src []string
	key key
	req *pending
	i   int // index in the request
}

// pending is a request's sentences in flight: the workers fill results and
// close done when the last one is decoded.
type pending struct {
	ctx     context.Context
	id      uint64
	results []Result
	mu      sync.Mutex
	err     error
	left    int
	done    chan struct{}
	onDone  func()
}

// finish records the outcome of one of the request's sentences.
func (p *pending) finish(err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err != nil && p.err == nil {
		p.err = err
	}
	p.left--
	if p.left == 0 {
		p.onDone()
		close(p.done)
	}
}

// Stats counts batching; GET /v1/stats returns it.
type Stats struct {
	Batches       int64 `json:"batches"`        // batches decoded
	Sentences     int64 `json:"sentences"`      // sentences decoded
	SharedBatches int64 `json:"shared_batches"` // batches holding sentences of two or more requests
	MaxBatch      int64 `json:"max_batch"`      // largest batch decoded
	Rejected      int64 `json:"rejected"`       // requests refused with a full queue
	Expired       int64 `json:"expired"`        // sentences dropped because their request had ended
	Queued        int64 `json:"queued"`         // sentences waiting now
}

// batcher collects the sentences of concurrent requests into batches and
// decodes them on Workers goroutines, each taking up to MaxBatch sentences
// of one beam width, waiting at most Wait after the first.
type batcher struct {
	be     Backend
	opt    BatchOptions
	queue  chan *item
	queued atomic.Int64
	active atomic.Int64 // requests submitted and not finished
	nextID atomic.Uint64
	wg     sync.WaitGroup
	mu     sync.RWMutex // held for reading while submitting, for writing to close the queue
	closed bool

	batches, sentences, shared, maxBatch, rejected, expired atomic.Int64
}

// newBatcher starts the workers.
func newBatcher(be Backend, opt BatchOptions) *batcher {
	opt.MaxBatch, opt.Queue, opt.Workers = max(opt.MaxBatch, 1), max(opt.Queue, 1), max(opt.Workers, 1)
	b := &batcher{be: be, opt: opt, queue: make(chan *item, opt.Queue)}
	for range opt.Workers {
		b.wg.Add(1)
		go b.work()
	}
	return b
}

// submit queues srcs (all non-empty) and returns the request in flight, or
// errQueueFull when they do not all fit.
func (b *batcher) submit(ctx context.Context, srcs [][]string, k key) (*pending, error) {
	b.mu.RLock()
	defer b.mu.RUnlock()
	if b.closed {
		return nil, errStopped
	}
	n := int64(len(srcs))
	if b.queued.Add(n) > int64(b.opt.Queue) {
		b.queued.Add(-n)
		b.rejected.Add(1)
		return nil, errQueueFull
	}
	b.active.Add(1)
	p := &pending{ctx: ctx, id: b.nextID.Add(1), results: make([]Result, len(srcs)), left: len(srcs), done: make(chan struct{}),
		onDone: func() { b.active.Add(-1) }}
	for i, s := range srcs {
		b.queue <- &item{src: s, key: k, req: p, i: i} // never blocks: room was reserved
	}
	return p, nil
}

// stop lets the workers finish what is queued and waits for them; submit
// fails with errStopped after.
func (b *batcher) stop() {
	b.mu.Lock()
	if !b.closed {
		b.closed = true
		close(b.queue)
	}
	b.mu.Unlock()
	b.wg.Wait()
}

// stats returns the counters.
func (b *batcher) stats() Stats {
	return Stats{
		Batches: b.batches.Load(), Sentences: b.sentences.Load(), SharedBatches: b.shared.Load(),
		MaxBatch: b.maxBatch.Load(), Rejected: b.rejected.Load(), Expired: b.expired.Load(), Queued: b.queued.Load(),
	}
}

// work takes batches until the queue is closed and drained. Sentences of
// another beam width met while filling a batch are kept for the worker's
// next batch.
func (b *batcher) work() {
	defer b.wg.Done()
	var held []*item
	for {
		batch, rest, open := b.fill(held)
		held = rest
		if len(batch) > 0 {
			b.decode(batch)
		}
		if !open && len(held) == 0 {
			return
		}
	}
}

// took counts an item received from the queue (ok, the receive's second
// value) out of the queue and returns ok.
func (b *batcher) took(ok bool) bool {
	if ok {
		b.queued.Add(-1)
	}
	return ok
}

// fill builds one batch: the first held item (or the next queued one) and
// every held or queued item of the same key, up to MaxBatch, waiting at
// most Wait for more, and not at all when every request in flight is
// already in the batch (a lone client pays no wait). open is false once
// the queue is closed and empty.
func (b *batcher) fill(held []*item) (batch, rest []*item, open bool) {
	if len(held) == 0 {
		it, ok := <-b.queue
		if !b.took(ok) {
			return nil, nil, false
		}
		held = []*item{it}
	}
	k := held[0].key
	for _, it := range held {
		if it.key == k && len(batch) < b.opt.MaxBatch {
			batch = append(batch, it)
		} else {
			rest = append(rest, it)
		}
	}
	reqs := map[uint64]bool{}
	for _, it := range append(batch, rest...) {
		reqs[it.req.id] = true
	}
	timer := time.NewTimer(b.opt.Wait)
	defer timer.Stop()
	for len(batch) < b.opt.MaxBatch {
		if len(b.queue) == 0 && b.active.Load() <= int64(len(reqs)) {
			return batch, rest, true
		}
		select {
		case it, ok := <-b.queue:
			if !b.took(ok) {
				return batch, rest, false
			}
			reqs[it.req.id] = true
			if it.key == k {
				batch = append(batch, it)
			} else {
				rest = append(rest, it)
			}
		case <-timer.C:
			return batch, rest, true
		}
	}
	return batch, rest, true
}

// decode translates the batch's sentences whose requests are still
// waiting and hands each request its results.
func (b *batcher) decode(batch []*item) {
	live := batch[:0:0]
	for _, it := range batch {
		if it.req.ctx.Err() != nil {
			b.expired.Add(1)
			it.req.finish(it.req.ctx.Err())
			continue
		}
		live = append(live, it)
	}
	if len(live) == 0 {
		return
	}
	srcs := make([][]string, len(live))
	reqs := map[uint64]bool{}
	for i, it := range live {
		srcs[i] = it.src
		reqs[it.req.id] = true
	}
	b.count(len(live), len(reqs))
	res, err := b.translate(srcs, live[0].key)
	for i, it := range live {
		if err == nil {
			it.req.results[it.i] = res[i]
		}
		it.req.finish(err)
	}
}

// translate calls the backend, turning a panic or a short answer into an
// error so that one bad batch cannot stop a worker.
func (b *batcher) translate(srcs [][]string, k key) (res []Result, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = errors.New("decoder panicked")
		}
	}()
	res, err = b.be.Translate(srcs, k.beam, k.want)
	if err == nil && len(res) != len(srcs) {
		err = errors.New("decoder returned a wrong number of results")
	}
	return res, err
}

// count records a batch of n sentences from reqs requests.
func (b *batcher) count(n, reqs int) {
	b.batches.Add(1)
	b.sentences.Add(int64(n))
	if reqs > 1 {
		b.shared.Add(1)
	}
	for {
		m := b.maxBatch.Load()
		if int64(n) <= m || b.maxBatch.CompareAndSwap(m, int64(n)) {
			return
		}
	}
}
