// Mistake: a half-open breaker lets every call through instead of HalfOpenMax trial calls, so the whole crowd that waited out the timeout lands on a dependency that may still be down.
// Caught by: TestHalfOpenLetsOnlyHalfOpenMaxTrialCallsThrough, TestALateSuccessFromBeforeTheTripDoesNotCloseTheBreaker, TestATrialWhoseCallerGivesUpReopensTheBreaker

package breaker

// admit decides whether a call may go through, and returns its ticket.
func (b *Breaker) admit(ctx context.Context) (*ticket, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return nil, err // the caller has already left: no call, no slot
	}
	b.tick(time.Now())
	t := &ticket{gen: b.generation}
	switch b.state {
	case Open:
		return nil, ErrOpen
	case HalfOpen:
		b.trials++
		t.trial = true
	}
	return t, nil
}
