// Mistake: an owner whose effect failed stores the failure as the key's answer whatever it was, so a request that never left (no connection) blocks the key with an error for good, and one whose answer was lost (a reset, a timeout) is reported failed to every duplicate while the card may well have been charged.
// Caught by: TestAnEffectThatWasNeverSentGivesTheKeyUp, TestAnEffectWhoseOutcomeIsUnknownKeepsTheKeyUntilItsHoldEnds

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
	if r == nil || r.owner != token {
		// Fenced: a newer owner holds the key (or held it, and is done,
		// or gave it up). Neither a result nor a failure of ours may
		// overwrite what it did.
		return "", fmt.Errorf("%w: the reservation of %q (token %d) was taken over", ErrLeaseLost, key, token)
	}
	switch {
	case err == nil:
		r.done, r.result = true, result
	default: // it failed, and that is the answer
		r.done, r.err = true, err // the resource's answer, kept like a result
	}
	close(r.settled)
	return r.result, err
}
