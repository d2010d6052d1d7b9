// Mistake: a duplicate waits for the owner with context.Background() instead of its own ctx, so a caller with a deadline is held until the owner finishes, however long that takes.
// Caught by: TestADuplicateThatStopsWaitingLeavesTheReservationAlone

package delivery

// Once makes effect happen once for key.
func (s *Store) Once(ctx context.Context, key string, effect Effect) (string, error) {
	for {
		s.mu.Lock()
		now := time.Now()
		r := s.keys[key]
		switch {
		case r == nil || (!r.done && !now.Before(r.expires)):
			s.tokens++
			r = &reservation{owner: s.tokens, expires: now.Add(s.hold), settled: make(chan struct{})}
			s.keys[key] = r
			s.mu.Unlock()
			return s.run(ctx, key, r.owner, effect)
		case r.done:
			s.mu.Unlock()
			return r.result, nil
		}
		settled, expires := r.settled, r.expires
		s.mu.Unlock()
		_ = wait(context.Background(), settled, expires) // the owner will answer soon
	}
}
