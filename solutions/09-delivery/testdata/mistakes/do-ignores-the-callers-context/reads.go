// Mistake: Get joins the shared read with singleflight's Do, which blocks until the read is over, so a caller whose deadline comes first is held past it, for as long as the slowest read takes.
// Caught by: TestACallerWhoseDeadlineComesFirstStopsWaiting, TestTheFirstCallerGivingUpDoesNotFailTheOthers

package delivery

// Get returns the value of key: from a read already in flight, or from a
// new one that later callers can join. Get waits no longer than ctx: then
// it returns ctx.Err(), and the read goes on for the others. A read that
// runs out of the Reader's timeout fails with an error wrapping
// ErrReadTimeout, for every caller who waited for it.
func (r *Reader) Get(ctx context.Context, key string) (string, error) {
	v, err, _ := r.group.Do(key, func() (any, error) {
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
	if err != nil {
		return "", err
	}
	return v.(string), nil
}
