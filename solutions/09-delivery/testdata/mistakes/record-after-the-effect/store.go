// Mistake: the store only writes a key down once the effect is done ("check, do, record"), with no pending state, so duplicates that come while the effect runs all find nothing and all do it: a hundred retries at once charge the card a hundred times.
// Caught by: TestAHundredConcurrentDuplicatesRunTheEffectOnce, TestADuplicateThatStopsWaitingLeavesTheReservationAlone, TestAnAnswerFromTheResourceIsStoredEvenAnError

package delivery

// Once makes effect happen once for key.
func (s *Store) Once(ctx context.Context, key, request string, effect Effect) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	s.mu.Lock()
	if r, ok := s.keys[key]; ok && r.done {
		s.mu.Unlock()
		return r.result, r.err
	}
	s.tokens++
	token := s.tokens
	s.mu.Unlock()

	work, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.hold)
	defer cancel()
	result, err := effect(work, token)
	if err != nil {
		return "", err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keys[key] = &reservation{request: request, owner: token, done: true, result: result}
	return result, nil
}
