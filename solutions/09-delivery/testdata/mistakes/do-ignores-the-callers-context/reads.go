// Mistake: Get joins the shared read with singleflight's Do, which blocks until the read is over, so a caller whose deadline comes first is held past it, for as long as the slowest read takes.
// Caught by: TestACallerWhoseDeadlineComesFirstStopsWaiting, TestTheFirstCallerGivingUpDoesNotFailTheOthers

package delivery

// Get returns the value of key: from a read already in flight, or from a
// new one that later callers can join.
func (r *Reader) Get(ctx context.Context, key string) (string, error) {
	v, err, _ := r.group.Do(key, func() (any, error) {
		shared, cancel := context.WithTimeout(context.WithoutCancel(ctx), r.timeout)
		defer cancel()
		return r.load(shared, key)
	})
	if err != nil {
		return "", err
	}
	return v.(string), nil
}
