// Mistake: the shared read runs on the context of the caller who started it, so when that one caller gives up, the read is cancelled and every caller who joined it fails with an error that was never theirs.
// Caught by: TestTheFirstCallerGivingUpDoesNotFailTheOthers

package delivery

// Get returns the value of key: from a read already in flight, or from a
// new one that later callers can join.
func (r *Reader) Get(ctx context.Context, key string) (string, error) {
	ch := r.group.DoChan(key, func() (any, error) {
		shared, cancel := context.WithTimeout(ctx, r.timeout)
		defer cancel()
		return r.load(shared, key)
	})
	select {
	case res := <-ch:
		if res.Err != nil {
			return "", res.Err
		}
		return res.Val.(string), nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}
