// Mistake: every error counts as the dependency failing, as the lesson once taught, so six callers who give up after 100ms on a healthy dependency that takes 1s open the breaker, and so does an errgroup sibling's cancel: the breaker then turns everyone away from a dependency that works.
// Caught by: TestCallersWhoGiveUpDoNotOpenTheBreaker, TestATimeoutInsideTheOperationLetsAHungDependencyTripTheBreaker

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
	case err != nil && b.settings.IsFailure != nil && !b.settings.IsFailure(err):
		b.release(t) // the request was at fault: no news about the dependency either way
		return
	}
	t.settled = true
	b.count(err, now)
}
