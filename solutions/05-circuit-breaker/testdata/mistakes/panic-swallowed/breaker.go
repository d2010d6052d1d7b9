// Mistake: Call recovers a panic in op and returns it as an error, so a bug (a nil map, an index out of range) turns into an ordinary failure that callers retry, and the stack that says where it happened is lost.
// Caught by: TestATrialThatPanicsGivesItsSlotBack

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
func (b *Breaker) Call(ctx context.Context, op func(context.Context) error) (err error) {
	t, err := b.admit(ctx)
	if err != nil {
		return err
	}
	if t.trial {
		// A trial that has not answered when its caller gives up failed
		// its probe: decide then, even if op never returns.
		stop := context.AfterFunc(ctx, func() { b.abandon(t) })
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
