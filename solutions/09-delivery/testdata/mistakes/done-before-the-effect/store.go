// Mistake: the store marks a key done the moment it is reserved, before the effect, and fills in the result after: a duplicate that comes meanwhile gets an empty result as if all were well, and if the owner dies between the two the effect never happens at all (at-most-once).
// Caught by: TestAHundredConcurrentDuplicatesRunTheEffectOnce, TestAnOwnerThatVanishedIsTakenOverWhenItsHoldEnds, TestACrashAtEachPointChargesAsOftenAsTheTableSays

package delivery

// Once makes effect happen once for key.
func (s *Store) Once(ctx context.Context, key string, effect Effect) (string, error) {
	s.mu.Lock()
	if r, ok := s.keys[key]; ok {
		result := r.result
		s.mu.Unlock()
		return result, nil // seen it: done
	}
	s.tokens++
	r := &reservation{owner: s.tokens, done: true}
	s.keys[key] = r
	s.mu.Unlock()

	result, err := effect(ctx, r.owner)
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		delete(s.keys, key)
		return "", err
	}
	r.result = result
	return result, nil
}
