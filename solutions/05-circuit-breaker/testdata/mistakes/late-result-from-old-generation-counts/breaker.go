// Mistake: every result is counted against the state the breaker is in when the call returns, so a slow call from before the trip can close a half-open breaker, or open it again, or count towards the next trip.
// Caught by: TestALateSuccessFromBeforeTheTripDoesNotCloseTheBreaker, TestALateFailureFromAnEarlierGenerationIsNotCounted

package breaker

// record decides what the result of a call let through with ticket t says
// about the dependency, and counts it.
func (b *Breaker) record(ctx context.Context, t *ticket, err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := time.Now()
	b.tick(now)
	switch {
	case t.settled:
		return // decided when its caller left
	case err != nil && ctx.Err() != nil:
		b.leave(t) // the caller gave up: its doing, unless a trial ran out of time
		return
	case err != nil && b.settings.IsFailure != nil && !b.settings.IsFailure(err):
		b.release(t) // the request was at fault: no news about the dependency either way
		return
	}
	t.settled = true
	b.count(err, now)
}
