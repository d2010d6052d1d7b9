// Mistake: Once looks the key up in one critical section, reads the reservation it found after letting go of the lock, and reserves a free key in a second critical section: the reads race with the owner's writes, and two duplicates that both saw the key free both become owners and both charge.
// Caught by: TestAHundredConcurrentDuplicatesRunTheEffectOnce (race)

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
		s.mu.Unlock()
		switch {
		case r != nil && r.request != request:
			return "", fmt.Errorf("%w: %q was first used for %q", ErrKeyReused, key, r.request)
		case r == nil || (!r.done && !now.Before(r.expires)):
			// Free: take it.
			s.mu.Lock()
			s.tokens++
			r = &reservation{request: request, owner: s.tokens, expires: now.Add(s.hold),
				settled: make(chan struct{})}
			s.keys[key] = r
			s.mu.Unlock()
			return s.run(ctx, key, r.owner, r.expires, effect)
		case r.done:
			return r.result, r.err
		}
		settled, expires := r.settled, r.expires
		if err := wait(ctx, settled, expires); err != nil {
			return "", fmt.Errorf("waited for the owner of %q: %w", key, err)
		}
	}
}
