// Mistake: the Reader keeps every answer it got, error or value, in a map and serves it from there for ever ("coalescing, but better"): a failed read fails every later Get, and a write is never seen, because nothing expires or reads again.
// Caught by: TestEveryCallerSharesTheReadsError, TestTheSharedReadHasATimeoutOfItsOwn

package delivery

import (
	"context"
	"errors"
	"fmt"
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
// new one that later callers can join. Get waits no longer than ctx: then
// it returns ctx.Err(), and the read goes on for the others. A read that
// runs out of the Reader's timeout fails with an error wrapping
// ErrReadTimeout, for every caller who waited for it.
func (r *Reader) Get(ctx context.Context, key string) (string, error) {
	r.mu.Lock()
	res, ok := r.known[key]
	r.mu.Unlock()
	if ok {
		if res.Err != nil {
			return "", res.Err
		}
		return res.Val.(string), nil
	}
	ch := r.group.DoChan(key, func() (any, error) {
		// Not on the first caller's ctx alone: if that caller gave up,
		// every caller who joined would fail with it. Keep ctx's values,
		// drop its cancellation, and give the read a deadline of its own.
		shared, cancel := context.WithTimeout(context.WithoutCancel(ctx), r.timeout)
		defer cancel()
		value, err := r.load(shared, key)
		if err != nil && shared.Err() != nil {
			// Whose limit ran out is the read's own, not any caller's.
			return "", fmt.Errorf("%w: %q after %v (%v)", ErrReadTimeout, key, r.timeout, err)
		}
		return value, err
	})
	select {
	case res := <-ch: // DoChan's channel has room for the answer: nobody leaks
		r.mu.Lock()
		if r.known == nil {
			r.known = map[string]singleflight.Result{}
		}
		r.known[key] = res // remembered: the next caller need not wait
		r.mu.Unlock()
		if res.Err != nil {
			return "", res.Err
		}
		return res.Val.(string), nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}
