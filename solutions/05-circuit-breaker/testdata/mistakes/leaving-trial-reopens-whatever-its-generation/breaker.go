// Mistake: a trial whose caller leaves opens the breaker again whatever generation it belongs to, so with HalfOpenMax above 1, a caller who gives up after another trial has already closed the breaker opens it on a dependency that just answered, and every caller is turned away for a full OpenTimeout.
// Caught by: TestATrialWhoseCallerLeavesAfterAnotherTrialClosedTheBreakerChangesNothing

package breaker

// leave settles t for a caller who left before op returned. Closed, that is
// the caller's doing and counts nothing. Half-open, the trial did not
// answer in time: a failed probe, so the breaker opens again, for a full
// OpenTimeout from now, instead of sending trial after trial to a
// dependency that hangs. b.mu is held.
func (b *Breaker) leave(t *ticket) {
	if t.settled {
		return
	}
	t.settled = true
	if t.trial {
		b.setState(Open, time.Now())
	}
}
