// Mistake: a shared read that runs out of the Reader's timeout fails with context.DeadlineExceeded, so every caller who joined it is told that its own deadline passed, when none did: a caller that retries on its own deadline gives up instead, and the logs blame the client.
// Caught by: TestTheSharedReadHasATimeoutOfItsOwn

package delivery

import (
	"context"
	"errors"
	"time"

	"golang.org/x/sync/singleflight"
)

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
