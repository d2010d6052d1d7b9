// Mistake: an owner whose effect failed stores the key as done anyway, with an empty result, so the retry that should do the effect is told it was done: the charge never happens, and every duplicate gets an empty receipt with no error.
// Caught by: TestAFailedEffectGivesTheKeyUpForARetry

package delivery

// run does the effect as the owner of key's reservation, then records how
// it ended, unless the reservation was taken over meanwhile.
func (s *Store) run(ctx context.Context, key string, token Token, effect Effect) (string, error) {
	result, err := effect(ctx, token)

	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.keys[key]
	if r == nil || r.owner != token {
		return "", fmt.Errorf("%w: the reservation of %q (token %d) was taken over", ErrLeaseLost, key, token)
	}
	close(r.settled)
	r.done, r.result = true, result // it ran: done
	return result, err
}
