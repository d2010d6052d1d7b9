// Mistake: a caller whose context has already ended is let through, so the dependency serves a call nobody waits for, and half-open, that caller takes the trial slot and its ended context fails the probe before the dependency is even asked.
// Caught by: TestACallerWhoHasAlreadyLeftIsNotLetThrough

package breaker

// admit decides whether a call may go through, and returns its ticket.
func (b *Breaker) admit(ctx context.Context) (*ticket, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.tick(time.Now())
	t := &ticket{gen: b.generation}
	switch b.state {
	case Open:
		return nil, ErrOpen
	case HalfOpen:
		if b.trials >= b.settings.HalfOpenMax {
			return nil, ErrTooManyRequests
		}
		b.trials++
		t.trial = true
	}
	return t, nil
}
