// Mistake: a pending reservation never expires, so an owner that crashed (or paused for good) after reserving its key blocks that key for ever: every duplicate waits for an owner that will never come back, and the effect never happens.
// Caught by: TestAnOwnerThatVanishedIsTakenOverWhenItsHoldEnds, TestAnOwnerThatWasOnlySlowCannotWriteOverTheOneThatTookOver, TestACrashAtEachPointChargesAsOftenAsTheTableSays

package delivery

// Once makes effect happen once for key.
func (s *Store) Once(ctx context.Context, key string, effect Effect) (string, error) {
	for {
		s.mu.Lock()
		r := s.keys[key]
		switch {
		case r == nil:
			s.tokens++
			r = &reservation{owner: s.tokens, settled: make(chan struct{})}
			s.keys[key] = r
			s.mu.Unlock()
			return s.run(ctx, key, r.owner, effect)
		case r.done:
			s.mu.Unlock()
			return r.result, nil
		}
		settled := r.settled
		s.mu.Unlock()
		if err := wait(ctx, settled, time.Time{}); err != nil { // the owner will finish, one day
			return "", fmt.Errorf("waited for the owner of %q: %w", key, err)
		}
	}
}
