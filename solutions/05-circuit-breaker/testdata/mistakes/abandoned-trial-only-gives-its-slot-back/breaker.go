// Mistake: a trial whose caller gave up only gives its slot back, as the lesson once taught, so against a dependency that hangs every caller becomes the next trial and waits its whole deadline, one after another, and the breaker stays half-open for ever instead of opening again.
// Caught by: TestATrialWhoseCallerGivesUpReopensTheBreaker, TestALateResultFromAnAbandonedTrialIsIgnored

package breaker

// leave settles t for a caller who left before op returned: it frees t's
// trial slot and counts nothing. b.mu is held.
func (b *Breaker) leave(t *ticket) {
	b.release(t)
}
