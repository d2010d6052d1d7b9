// Mistake: the shared read runs on context.WithoutCancel(ctx) and nothing else, so against a dependency that hangs it never ends: every caller without a deadline of its own waits for ever, and every new caller joins them.
// Caught by: TestTheSharedReadHasATimeoutOfItsOwn

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
		shared := context.WithoutCancel(ctx) // the database will answer
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
