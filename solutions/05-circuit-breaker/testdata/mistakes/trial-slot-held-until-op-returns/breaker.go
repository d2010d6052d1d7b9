// Mistake: a trial call holds its slot until op returns, as the lesson once taught, so a trial that hangs, or panics, keeps the half-open breaker answering ErrTooManyRequests for ever: an hour later it still has not tried again.
// Caught by: TestAHungTrialGivesItsSlotBackWhenItsCallerGivesUp, TestATrialThatPanicsGivesItsSlotBack

package breaker

// Call runs op through the breaker and returns its error. While the breaker
// is open, or half-open with all trial calls taken, Call returns ErrOpen or
// ErrTooManyRequests at once and op is not called.
//
// An error from op counts as a failure of the dependency unless ctx had
// ended by the time op returned (the caller gave up: its deadline, its
// cancel, an errgroup sibling's failure) or Settings.IsFailure excuses it.
// A half-open trial gives its slot back when ctx ends, even if op never
// returns, and when op panics (the panic goes on to the caller); the
// breaker then ignores that trial's result.
func (b *Breaker) Call(ctx context.Context, op func(context.Context) error) error {
	t, err := b.admit()
	if err != nil {
		return err
	}
	// No lock while op runs: callers would take turns at the dependency,
	// and in a synctest bubble the clock would stop (see the README).
	err = op(ctx)
	b.record(ctx, t, err)
	return err
}
