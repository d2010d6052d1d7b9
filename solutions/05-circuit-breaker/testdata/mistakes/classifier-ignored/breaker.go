// Mistake: Settings.IsFailure is never called, as the lesson once had none, so a 400, the request's fault, counts as the dependency failing, and a burst of bad requests from one client opens the breaker for everyone.
// Caught by: TestAnErrorTheClassifierExcusesCountsNeitherWay

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
	case err != nil && ctx.Err() != nil:
		b.leave(t) // the caller gave up: its doing, unless a trial ran out of time
		return
	}
	t.settled = true
	b.count(err, now)
}
