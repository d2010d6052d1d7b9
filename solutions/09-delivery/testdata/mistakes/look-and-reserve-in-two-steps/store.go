// Mistake: Once looks the key up in one critical section, reads the reservation it found after letting go of the lock, and reserves a free key in a second critical section: the reads race with the owner's writes, and two duplicates that both saw the key free both become owners and both charge.
// Caught by: TestAHundredConcurrentDuplicatesRunTheEffectOnce (race)

package delivery

// Once makes effect happen once for key.
func (s *Store) Once(ctx context.Context, key string, effect Effect) (string, error) {
	for {
		s.mu.Lock()
		now := time.Now()
		r := s.keys[key]
		free := r == nil || (!r.done && !now.Before(r.expires))
		s.mu.Unlock()

		if free {
			s.mu.Lock()
			s.tokens++
			r = &reservation{owner: s.tokens, expires: now.Add(s.hold), settled: make(chan struct{})}
			s.keys[key] = r
			s.mu.Unlock()
			return s.run(ctx, key, r.owner, effect)
		}
		if r.done {
			return r.result, nil
		}
		if err := wait(ctx, r.settled, r.expires); err != nil {
			return "", fmt.Errorf("waited for the owner of %q: %w", key, err)
		}
	}
}
