package delivery

import (
	"context"
	"errors"
	"fmt"
	"time"

	"golang.org/x/sync/singleflight"
)

// A Load reads one key from a slow dependency. A shared read runs with
// the values of the caller who started it: a Load must not read who is
// asking (credentials, tenant) from ctx, and a key must name everything
// the value depends on ("tenant-7/user:42"), or callers get each other's
// answers.
type Load func(ctx context.Context, key string) (string, error)

// ErrReadTimeout is wrapped by the error of a Get whose shared read ran out
// of the Reader's own timeout. It is not context.DeadlineExceeded: that one
// means the caller's own deadline passed.
var ErrReadTimeout = errors.New("shared read timed out")

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
// it returns ctx.Err(), and the read goes on for the others. A read that
// runs out of the Reader's timeout fails with an error wrapping
// ErrReadTimeout, for every caller who waited for it.
func (r *Reader) Get(ctx context.Context, key string) (string, error) {
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
