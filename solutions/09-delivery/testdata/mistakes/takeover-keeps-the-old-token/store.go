// Mistake: a duplicate that takes over a reservation whose hold has ended keeps the old owner's token and only moves the expiry, so nothing can tell the two owners apart: the fenced resource accepts the slow owner's write, and when the slow owner comes back it finishes a reservation that was already finished (here: a panic, closing a closed channel).
// Caught by: TestAnOwnerThatWasOnlySlowCannotWriteOverTheOneThatTookOver (crash)

package delivery

// Once makes effect happen once for key.
func (s *Store) Once(ctx context.Context, key string, effect Effect) (string, error) {
	for {
		s.mu.Lock()
		now := time.Now()
		r := s.keys[key]
		switch {
		case r == nil:
			s.tokens++
			r = &reservation{owner: s.tokens, expires: now.Add(s.hold), settled: make(chan struct{})}
			s.keys[key] = r
			s.mu.Unlock()
			return s.run(ctx, key, r.owner, effect)
		case !r.done && !now.Before(r.expires):
			r.expires = now.Add(s.hold) // ours now, under the same reservation
			s.mu.Unlock()
			return s.run(ctx, key, r.owner, effect)
		case r.done:
			s.mu.Unlock()
			return r.result, nil
		}
		settled, expires := r.settled, r.expires
		s.mu.Unlock()
		if err := wait(ctx, settled, expires); err != nil {
			return "", fmt.Errorf("waited for the owner of %q: %w", key, err)
		}
	}
}
