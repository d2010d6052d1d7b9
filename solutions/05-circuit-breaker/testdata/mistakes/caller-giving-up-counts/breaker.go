// Mistake: every error counts as the dependency failing, as the lesson once taught, so six callers who give up after 100ms on a healthy dependency that takes 1s open the breaker, and so does an errgroup sibling's cancel: the breaker then turns everyone away from a dependency that works.
// Caught by: TestCallersWhoGiveUpDoNotOpenTheBreaker

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
	case t.gen != b.generation:
		// Started before the last change of state: news about the past (a
		// success from before the trip must not close the breaker, a failure
		// from before the last close must not count towards the next trip).
		t.settled = true
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
