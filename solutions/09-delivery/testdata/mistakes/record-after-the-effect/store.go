// Mistake: the store only writes a key down once the effect is done ("check, do, record"), with no pending state, so duplicates that come while the effect runs all find nothing and all do it: a hundred retries at once charge the card a hundred times.
// Caught by: TestAHundredConcurrentDuplicatesRunTheEffectOnce, TestADuplicateThatStopsWaitingLeavesTheReservationAlone, TestAFailedEffectGivesTheKeyUpForARetry

package delivery

// Once makes effect happen once for key.
func (s *Store) Once(ctx context.Context, key string, effect Effect) (string, error) {
	s.mu.Lock()
	if r, ok := s.keys[key]; ok && r.done {
		s.mu.Unlock()
		return r.result, nil
	}
	s.tokens++
	token := s.tokens
	s.mu.Unlock()

	result, err := effect(ctx, token)
	if err != nil {
		return "", err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keys[key] = &reservation{owner: token, done: true, result: result}
	return result, nil
}
