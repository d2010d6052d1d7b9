// Mistake: admit reads the state and the number of trials under the lock, lets go of it, and takes the lock again to take a trial slot, so callers who arrive together at a half-open breaker all see a free slot and all go through: the crowd the breaker should hold back lands on a dependency that may still be down, and the race detector says nothing, since every access is locked.
// Caught by: TestACrowdAtAHalfOpenBreakerGetsNoMoreThanHalfOpenMaxTrials

package breaker

// admit decides whether a call may go through, and returns its ticket.
func (b *Breaker) admit(ctx context.Context) (*ticket, error) {
	if err := ctx.Err(); err != nil {
		return nil, err // the caller has already left: no call, no slot
	}
	b.mu.Lock()
	b.tick(time.Now())
	state, gen, trials := b.state, b.generation, b.trials
	b.mu.Unlock()

	t := &ticket{gen: gen}
	switch state {
	case Open:
		return nil, ErrOpen
	case HalfOpen:
		if trials >= b.settings.HalfOpenMax {
			return nil, ErrTooManyRequests
		}
		b.mu.Lock()
		b.trials++
		b.mu.Unlock()
		t.trial = true
	}
	return t, nil
}
