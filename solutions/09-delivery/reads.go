package delivery

import (
	"context"
	"time"

	"golang.org/x/sync/singleflight"
)

// A Load reads one key from a slow dependency.
type Load func(ctx context.Context, key string) (string, error)

// A Reader coalesces duplicate reads: while a read of a key is in flight,
// callers asking for the same key wait for it and share its answer, value
// or error, instead of calling the dependency again. It is not a cache:
// once the read ends, the next caller starts a new one. It is safe for
// concurrent use.
type Reader struct {
	load    Load
	timeout time.Duration
	group   singleflight.Group
}

// NewReader returns a reader that loads with load. Every shared read gets
// timeout, which must be positive: it runs for all of its callers, so none
// of their deadlines can end it.
func NewReader(load Load, timeout time.Duration) *Reader {
	if timeout <= 0 {
		panic("delivery: a Reader's timeout must be positive")
	}
	return &Reader{load: load, timeout: timeout}
}

// Get returns the value of key: from a read already in flight, or from a
// new one that later callers can join. Get waits no longer than ctx: then
// it returns ctx.Err(), and the read goes on for the others.
func (r *Reader) Get(ctx context.Context, key string) (string, error) {
	ch := r.group.DoChan(key, func() (any, error) {
		// Not on the first caller's ctx alone: if that caller gave up,
		// every caller who joined would fail with it. Keep ctx's values,
		// drop its cancellation, and give the read a deadline of its own.
		shared, cancel := context.WithTimeout(context.WithoutCancel(ctx), r.timeout)
		defer cancel()
		return r.load(shared, key)
	})
	select {
	case res := <-ch: // DoChan's channel has room for the answer: nobody leaks
		if res.Err != nil {
			return "", res.Err
		}
		return res.Val.(string), nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// Forget makes the next Get of key start a new read, even while one is in
// flight: call it after a write, when the read in flight may return what
// was there before.
func (r *Reader) Forget(key string) {
	r.group.Forget(key)
}
