// Mistake: every result is counted against the state the breaker is in when the call returns, so a slow call from before the trip can close a half-open breaker, or open it again, or count towards the next trip.
// Caught by: TestALateSuccessFromBeforeTheTripDoesNotCloseTheBreaker, TestALateFailureFromAnEarlierGenerationIsNotCounted

package breaker

// record counts the result of a call let through with ticket t.
func (b *Breaker) record(ctx context.Context, t *ticket, err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := time.Now()
	b.tick(now)
	switch {
	case t.settled:
		return // given back when its caller left: too late to decide anything
	case err != nil && ctx.Err() != nil:
		b.release(t) // the caller gave up: no news about the dependency
		return
	case err != nil && b.settings.IsFailure != nil && !b.settings.IsFailure(err):
		err = nil // the dependency answered; the request was at fault
	}
	t.settled = true
	switch b.state {
	case Closed:
		if err == nil {
			b.failures = 0 // only failures in a row count
			return
		}
		b.failures++
		if b.failures > b.settings.MaxFailures {
			b.setState(Open, now)
		}
	case HalfOpen:
		if err == nil {
			b.setState(Closed, now)
		} else {
			b.setState(Open, now) // and the timeout starts again
		}
	}
}
