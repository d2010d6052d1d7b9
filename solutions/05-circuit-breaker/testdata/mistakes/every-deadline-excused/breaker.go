// Mistake: any error that wraps context.DeadlineExceeded or context.Canceled is excused, not only one that ended the caller's own context, so the operation's own timeout on a hung dependency never counts and the breaker never opens on the failure it exists for.
// Caught by: TestATimeoutInsideTheOperationLetsAHungDependencyTripTheBreaker

package breaker

// record decides what the result of a call let through with ticket t says
// about the dependency, and counts it.
func (b *Breaker) record(ctx context.Context, t *ticket, err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := time.Now()
	b.tick(now)
	switch {
	case t.gen != b.generation:
		// Started before the last change of state: news about the past (a
		// success from before the trip must not close the breaker, a failure
		// from before the last close must not count towards the next trip,
		// a trial whose caller left has already opened it).
		t.settled = true
		return
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled):
		b.leave(t) // the caller gave up: its doing, unless a trial ran out of time
		return
	case err != nil && b.settings.IsFailure != nil && !b.settings.IsFailure(err):
		b.release(t) // the request was at fault: no news about the dependency either way
		return
	}
	t.settled = true
	b.count(err, now)
}
