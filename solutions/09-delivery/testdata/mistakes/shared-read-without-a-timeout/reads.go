// Mistake: the shared read runs on context.WithoutCancel(ctx) and nothing else, so against a dependency that hangs it never ends: every caller without a deadline of its own waits for ever, and every new caller joins them.
// Caught by: TestTheSharedReadHasATimeoutOfItsOwn

package delivery

// Get returns the value of key: from a read already in flight, or from a
// new one that later callers can join.
func (r *Reader) Get(ctx context.Context, key string) (string, error) {
	ch := r.group.DoChan(key, func() (any, error) {
		return r.load(context.WithoutCancel(ctx), key)
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
