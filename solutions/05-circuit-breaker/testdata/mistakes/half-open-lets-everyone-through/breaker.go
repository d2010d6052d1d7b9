// Mistake: a half-open breaker lets every call through instead of HalfOpenMax trial calls, so the whole crowd that waited out the timeout lands on a dependency that may still be down.
// Caught by: TestHalfOpenLetsOnlyHalfOpenMaxTrialCallsThrough, TestALateSuccessFromBeforeTheTripDoesNotCloseTheBreaker

package breaker

// admit decides whether a call may go through, and returns the generation
// it belongs to.
func (b *Breaker) admit() (uint64, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.tick(time.Now())
	switch b.state {
	case Open:
		return 0, ErrOpen
	}
	return b.generation, nil
}
