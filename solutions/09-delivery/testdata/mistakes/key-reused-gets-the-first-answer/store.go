// Mistake: Once looks only at the key and never at the request it comes with, so a client that reuses a key for another charge (99 EUR instead of 10) is answered with the receipt of the first one as if it were its own, and its charge never happens.
// Caught by: TestAKeyReusedForAnotherRequestIsRefused

package delivery

// Once makes effect happen once for key, for request: what the caller
// asks for under that key (the order and its amount, or a fingerprint of
// it). A key that comes back with another request fails with an error
// wrapping ErrKeyReused.
//
// If the key is done already, Once returns the stored result (or error) at
// once, without running effect. If an owner is doing it, Once waits for
// that owner: for its result, for the key to be given up (then Once tries
// again), or for its hold to end (then Once takes over); or until ctx is
// done, then it returns an error wrapping ctx.Err() and leaves the
// reservation alone. A caller whose ctx is done reserves nothing.
//
// Otherwise Once reserves the key and runs effect with a new token, on a
// context that its caller's cancellation does not reach (an effect cut
// short halfway is an effect nobody knows the outcome of) and that ends
// when the hold ends. Then it records the outcome: a result, or the
// resource's error, is stored; an effect that was not sent gives the key
// up; an effect whose outcome is unknown leaves the key pending until its
// hold ends, and Once's error wraps ErrOutcomeUnknown.
//
// An owner that was taken over while its effect ran gets an error wrapping
// ErrLeaseLost and no result, whatever its effect returned, and changes
// nothing.
func (s *Store) Once(ctx context.Context, key, request string, effect Effect) (string, error) {
	for {
		if err := ctx.Err(); err != nil {
			return "", fmt.Errorf("before reserving %q: %w", key, err)
		}
		s.mu.Lock()
		now := time.Now()
		r := s.keys[key]
		switch {
		case r == nil || (!r.done && !now.Before(r.expires)):
			// Free, or its owner's hold has ended: take it, in the same
			// critical section as the look, or two callers could both.
			s.tokens++
			r = &reservation{request: request, owner: s.tokens, expires: now.Add(s.hold),
				settled: make(chan struct{})}
			s.keys[key] = r
			s.mu.Unlock()
			return s.run(ctx, key, r.owner, r.expires, effect)
		case r.done:
			result, err := r.result, r.err // under the lock: the owner wrote them
			s.mu.Unlock()
			return result, err
		}
		settled, expires := r.settled, r.expires
		s.mu.Unlock()
		if err := wait(ctx, settled, expires); err != nil {
			return "", fmt.Errorf("waited for the owner of %q: %w", key, err)
		}
	}
}
