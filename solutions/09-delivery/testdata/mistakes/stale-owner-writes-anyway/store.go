// Mistake: when its effect returns, an owner records the outcome without checking that the reservation is still its own, so an owner that was only slow, back after its key was taken over, overwrites the new owner's reservation, or gives the key up and lets the effect run once more.
// Caught by: TestAnOwnerThatWasOnlySlowCannotWriteOverTheOneThatTookOver (crash), TestAnOwnerThatVanishedIsTakenOverWhenItsHoldEnds (crash)

package delivery

// run does the effect as the owner of key's reservation, then records how
// it ended, unless the reservation was taken over meanwhile.
func (s *Store) run(ctx context.Context, key string, token Token, expires time.Time, effect Effect) (string, error) {
	// Not on the caller's ctx: its leaving must not stop a charge halfway.
	// Keep its values, drop its cancellation, and end at the hold's end,
	// when a duplicate may take over.
	work, cancel := context.WithDeadline(context.WithoutCancel(ctx), expires)
	defer cancel()
	result, err := effect(work, token)

	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.keys[key]
	if r == nil { // nobody holds it: we do
		// Fenced: a newer owner holds the key (or held it, and is done,
		// or gave it up). Neither a result nor a failure of ours may
		// overwrite what it did.
		return "", fmt.Errorf("%w: the reservation of %q (token %d) was taken over", ErrLeaseLost, key, token)
	}
	switch {
	case err == nil:
		r.done, r.result = true, result
	case errors.Is(err, ErrNotSent):
		delete(s.keys, key) // nothing happened: a retry may do the effect
	case unknown(err):
		// Maybe it happened, maybe not: the key stays pending, and its
		// waiters wait for the hold to end, as for an owner that vanished.
		if !errors.Is(err, ErrOutcomeUnknown) {
			err = fmt.Errorf("%w: %w", ErrOutcomeUnknown, err)
		}
		return "", err
	default:
		r.done, r.err = true, err // the resource's answer, kept like a result
	}
	close(r.settled)
	return r.result, err
}
