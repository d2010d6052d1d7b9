// Mistake: a trial decides nothing until op returns, as the lesson once taught, so a trial that hangs keeps the half-open breaker answering ErrTooManyRequests until the dependency answers, which may be never: an hour later it still has not tried again.
// Caught by: TestATrialWhoseCallerGivesUpReopensTheBreaker, TestALateResultFromAnAbandonedTrialIsIgnored

package breaker

// Call runs op through the breaker and returns its error. While the breaker
// is open, or half-open with all trial calls taken, Call returns ErrOpen or
// ErrTooManyRequests at once and op is not called; a caller whose ctx has
// already ended gets ctx.Err() at once.
//
// An error from op counts as a failure of the dependency unless ctx had
// ended by the time op returned (the caller gave up: its deadline, its
// cancel, an errgroup sibling's failure) or Settings.IsFailure excuses it.
// So a dependency that is slower than its callers' deadlines trips the
// breaker only through a timeout inside op, shorter than those deadlines.
//
// A half-open trial whose caller leaves before op returns is a failed
// probe: the breaker opens again at that moment, even if op never returns,
// and ignores whatever op returns later. A trial whose op panics gives its
// slot back (the panic goes on to the caller).
func (b *Breaker) Call(ctx context.Context, op func(context.Context) error) error {
	t, err := b.admit(ctx)
	if err != nil {
		return err
	}
	returned := false
	defer func() {
		if !returned {
			b.giveBack(t) // op panicked: a bug on our side, no news about the dependency
		}
	}()
	// No lock while op runs: callers would take turns at the dependency,
	// and in a synctest bubble the clock would stop (see the README).
	err = op(ctx)
	returned = true
	b.record(ctx, t, err)
	return err
}
