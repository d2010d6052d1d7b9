// Mistake: Call recovers a panic in op and returns it as an error, so a bug (a nil map, an index out of range) turns into an ordinary failure that callers retry, and the stack that says where it happened is lost.
// Caught by: TestATrialThatPanicsGivesItsSlotBack

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
func (b *Breaker) Call(ctx context.Context, op func(context.Context) error) (err error) {
	t, err := b.admit()
	if err != nil {
		return err
	}
	if t.trial {
		// A hung trial would hold its slot, and the breaker, for ever: give
		// it back the moment the caller gives up, even if op does not.
		stop := context.AfterFunc(ctx, func() { b.giveBack(t) })
		defer stop()
	}
	defer func() {
		if r := recover(); r != nil {
			b.giveBack(t)
			err = fmt.Errorf("the operation panicked: %v", r)
		}
	}()
	// No lock while op runs: callers would take turns at the dependency,
	// and in a synctest bubble the clock would stop (see the README).
	err = op(ctx)
	b.record(ctx, t, err)
	return err
}
