// Mistake: when its effect returns, an owner records the outcome without checking that the reservation is still its own, so an owner that was only slow, back after its key was taken over, overwrites the new owner's receipt, or gives the key up and lets the effect run once more.
// Caught by: TestAnOwnerThatWasOnlySlowCannotWriteOverTheOneThatTookOver, TestAnOwnerThatVanishedIsTakenOverWhenItsHoldEnds

package delivery

// run does the effect as the owner of key's reservation, then records how
// it ended.
func (s *Store) run(ctx context.Context, key string, token Token, effect Effect) (string, error) {
	result, err := effect(ctx, token)

	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.keys[key]
	if r == nil {
		r = &reservation{owner: token, settled: make(chan struct{})}
		s.keys[key] = r
	}
	if !r.done {
		close(r.settled)
	}
	if err != nil {
		delete(s.keys, key)
		return "", err
	}
	r.done, r.result = true, result
	return result, nil
}
