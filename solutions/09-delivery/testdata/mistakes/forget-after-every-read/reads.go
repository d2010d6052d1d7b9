// Mistake: every caller calls Forget on its key when its answer arrives, "so that the next caller reads fresh", so the callers of an old read, answered after a write, throw away the newer read in flight: the callers after them start yet another read, and the database gets more reads the more it is written to.
// Caught by: TestForgetStartsAFreshReadAfterAWrite

package delivery

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
		r.group.Forget(key) // not a cache: the next caller reads fresh
		if res.Err != nil {
			return "", res.Err
		}
		return res.Val.(string), nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}
