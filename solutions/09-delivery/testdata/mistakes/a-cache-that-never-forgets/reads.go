// Mistake: the Reader keeps every answer it got, error or value, in a map and serves it from there for ever ("coalescing, but better"): a failed read fails every later Get, and a write is never seen, because nothing expires or reads again.
// Caught by: TestEveryCallerSharesTheReadsError, TestTheSharedReadHasATimeoutOfItsOwn

package delivery

import (
	"context"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"
)

// A Reader coalesces duplicate reads.
type Reader struct {
	load    Load
	timeout time.Duration
	group   singleflight.Group

	mu    sync.Mutex
	known map[string]singleflight.Result
}

// Get returns the value of key: from a read already in flight, or from a
// new one that later callers can join.
func (r *Reader) Get(ctx context.Context, key string) (string, error) {
	r.mu.Lock()
	res, ok := r.known[key]
	r.mu.Unlock()
	if !ok {
		ch := r.group.DoChan(key, func() (any, error) {
			shared, cancel := context.WithTimeout(context.WithoutCancel(ctx), r.timeout)
			defer cancel()
			return r.load(shared, key)
		})
		select {
		case res = <-ch:
		case <-ctx.Done():
			return "", ctx.Err()
		}
		r.mu.Lock()
		if r.known == nil {
			r.known = map[string]singleflight.Result{}
		}
		r.known[key] = res
		r.mu.Unlock()
	}
	if res.Err != nil {
		return "", res.Err
	}
	return res.Val.(string), nil
}
