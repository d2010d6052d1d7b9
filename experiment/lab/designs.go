package lab

import (
	"context"
	"sync"
	"time"
)

// Config sizes a design. The three designs get the same workers, so they
// have the same capacity: Workers / (mean work) orders a second.
type Config struct {
	// Workers is how many orders are worked on at once: the warehouse's
	// connections.
	Workers int
	// Queue is how many accepted orders the bounded design holds before it
	// refuses critical ones; it refuses sheddable ones at half of it.
	Queue int
	// Keep and TTL bound the finished results the async designs keep for
	// status requests.
	Keep int
	TTL  time.Duration
	// Ledger, if not nil, is told what became of every order.
	Ledger *Ledger
}

// Sync is the synchronous chain: Place does the work while its caller
// waits. Its queue is the line of callers waiting for a worker; a caller
// whose deadline passes leaves the line, or abandons its half-done work,
// because the deadline travels down the chain with the context.
type Sync struct {
	line   *Line
	ledger *Ledger
}

// NewSync returns the synchronous chain.
func NewSync(c Config) *Sync {
	return &Sync{line: NewLine(c.Workers), ledger: c.Ledger}
}

// Place waits for a worker, does the work, and answers with the result.
func (s *Sync) Place(ctx context.Context, o Order) (Receipt, error) {
	if err := s.line.Enter(ctx); err != nil {
		return Receipt{}, err
	}
	defer s.line.Leave()
	if err := work(ctx, o); err != nil {
		s.ledger.Abandoned(o)
		return Receipt{}, err
	}
	s.ledger.Fulfilled(o, time.Now())
	return Receipt{Done: true}, nil
}

// Wait has nothing to wait for: Place's answer was the result.
func (s *Sync) Wait(context.Context, int64) error { return nil }

// Look reports the line of callers.
func (s *Sync) Look() Look { return s.line.Look() }

// Close does nothing: the synchronous chain keeps no goroutines of its own.
func (s *Sync) Close() {}

// Async accepts an order at once and has workers fulfil it later: the
// waiting moves from the caller into the queue.
type Async struct {
	queue     *Queue
	results   *Results
	ledger    *Ledger
	dropStale bool
	n         int // workers
	workers   sync.WaitGroup
}

// NewUnbounded returns the async design with a queue that never refuses
// and workers that fulfil every order, however late.
func NewUnbounded(c Config) *Async {
	return newAsync(c, NewQueue(0), false)
}

// NewBounded returns the async design with a bounded queue that refuses
// sheddable orders first, and workers that drop an order whose caller's
// deadline has passed instead of working on it.
func NewBounded(c Config) *Async {
	return newAsync(c, NewQueue(max(c.Queue, 2)), true)
}

func newAsync(c Config, q *Queue, dropStale bool) *Async {
	a := &Async{queue: q, results: NewResults(c.Keep, c.TTL), ledger: c.Ledger, dropStale: dropStale}
	a.n = max(c.Workers, 1)
	for range a.n {
		a.workers.Go(a.work)
	}
	return a
}

// Place queues the order and answers Accepted, or refuses it when the
// queue has no room for its class.
func (a *Async) Place(ctx context.Context, o Order) (Receipt, error) {
	if err := ctx.Err(); err != nil {
		return Receipt{}, context.Cause(ctx)
	}
	j := job{order: o, accepted: time.Now()}
	if d, ok := ctx.Deadline(); ok && a.dropStale {
		j.deadline = d
	}
	a.results.Add(o.ID)
	if !a.queue.Push(j) {
		a.results.Remove(o.ID)
		a.ledger.Refused(o)
		return Receipt{}, ErrRefused
	}
	return Receipt{}, nil
}

// Wait waits for the order's result.
func (a *Async) Wait(ctx context.Context, id int64) error {
	return a.results.Wait(ctx, id)
}

// work is one worker: it takes jobs until the queue is closed and empty.
func (a *Async) work() {
	for {
		j, ok := a.queue.Pop()
		if !ok {
			return
		}
		a.results.Finish(j.order.ID, a.fulfil(j))
		a.queue.Done()
	}
}

// fulfil works on one job. The bounded design gives the work the caller's
// deadline: work that would end after it is work nobody waits for.
func (a *Async) fulfil(j job) error {
	ctx := context.Background()
	if !j.deadline.IsZero() {
		if !time.Now().Before(j.deadline) {
			a.ledger.Dropped(j.order)
			return ErrDropped
		}
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, j.deadline)
		defer cancel()
	}
	if err := work(ctx, j.order); err != nil {
		a.ledger.Abandoned(j.order)
		return ErrDropped
	}
	a.ledger.Fulfilled(j.order, time.Now())
	return nil
}

// Look reports the queue and the workers.
func (a *Async) Look() Look {
	l := a.queue.Look()
	l.Goroutines = a.n
	return l
}

// Results is the store of finished results, for measuring what it holds.
func (a *Async) Results() *Results { return a.results }

// Close stops intake and waits until the workers have emptied the queue:
// every accepted order is fulfilled or dropped.
func (a *Async) Close() {
	a.queue.Close()
	a.workers.Wait()
}
