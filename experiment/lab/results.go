package lab

import (
	"context"
	"sync"
	"time"
)

// Results keeps what became of accepted orders, for the callers who ask
// (GET on an order's status). Finished results are kept for a while and
// then forgotten: at most keep of them, none older than ttl, so a service
// that has fulfilled a million orders holds no more than one that has
// fulfilled ten thousand. It is safe for concurrent use.
type Results struct {
	keep int
	ttl  time.Duration

	mu       sync.Mutex
	byID     map[int64]*result
	finished []finishedAt // oldest first, for forgetting; finished[head:] are kept
	head     int
}

type result struct {
	ready chan struct{} // closed when err is set
	err   error
}

type finishedAt struct {
	id int64
	at time.Time
}

// NewResults returns an empty store that keeps at most keep finished
// results, each for at most ttl.
func NewResults(keep int, ttl time.Duration) *Results {
	return &Results{keep: keep, ttl: ttl, byID: make(map[int64]*result)}
}

// Add makes a pending entry for id.
func (r *Results) Add(id int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.byID[id] = &result{ready: make(chan struct{})}
}

// Remove forgets a pending entry that was never queued.
func (r *Results) Remove(id int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.byID, id)
}

// Finish records id's outcome (nil: fulfilled) and wakes its waiters.
func (r *Results) Finish(id int64, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	res, ok := r.byID[id]
	if !ok {
		return
	}
	res.err = err
	close(res.ready)
	now := time.Now()
	r.finished = append(r.finished, finishedAt{id, now})
	r.forget(now)
}

// forget drops the finished results past the store's limits. r.mu must be
// held.
func (r *Results) forget(now time.Time) {
	for r.head < len(r.finished) {
		f := r.finished[r.head]
		if len(r.finished)-r.head <= r.keep && now.Sub(f.at) <= r.ttl {
			break
		}
		delete(r.byID, f.id)
		r.finished[r.head] = finishedAt{}
		r.head++
	}
	if r.head >= 1024 && r.head*2 >= len(r.finished) {
		n := copy(r.finished, r.finished[r.head:])
		clear(r.finished[n:])
		r.finished, r.head = r.finished[:n], 0
	}
}

// Wait waits for id's outcome until ctx ends.
func (r *Results) Wait(ctx context.Context, id int64) error {
	r.mu.Lock()
	res, ok := r.byID[id]
	r.mu.Unlock()
	if !ok {
		return ErrUnknown
	}
	select {
	case <-res.ready:
		return res.err
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}

// Len is the number of entries held: pending and kept.
func (r *Results) Len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.byID)
}
