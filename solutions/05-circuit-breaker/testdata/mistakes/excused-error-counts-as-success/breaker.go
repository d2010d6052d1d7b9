// Mistake: an error IsFailure excuses counts as a success, as the lesson once taught, so a 400 ends the run of failures in a row: a front that still turns bad requests away keeps the breaker closed while everything behind it is down, and a 400 from a trial closes a half-open breaker.
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
	case err != nil && b.settings.IsFailure != nil && !b.settings.IsFailure(err):
		err = nil // the dependency answered: count it as a success
	}
	t.settled = true
	b.count(err, now)
}
