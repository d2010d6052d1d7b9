// Mistake: Call takes the lock at the top and releases it with defer, so the lock is held while op runs: callers take turns at the dependency, and in a synctest bubble the goroutines waiting for the sync.Mutex are not durably blocked, so the clock stops and the test hangs.
// Caught by: TestCallsRunSideBySideThroughAClosedBreaker (hang)

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
	b.mu.Lock()
	defer b.mu.Unlock()
	t, err := b.admitLocked(ctx)
	if err != nil {
		return err
	}
	if t.trial {
		// A trial that has not answered when its caller gives up failed
		// its probe: decide then, even if op never returns.
		stop := context.AfterFunc(ctx, func() { b.leave(t) })
		defer stop()
	}
	returned := false
	defer func() {
		if !returned {
			b.release(t) // op panicked: a bug on our side, no news about the dependency
		}
	}()
	err = op(ctx)
	returned = true
	b.recordLocked(ctx, t, err)
	return err
}

// admitLocked is admit, with the lock already held.
func (b *Breaker) admitLocked(ctx context.Context) (*ticket, error) {
	if err := ctx.Err(); err != nil {
		return nil, err // the caller has already left: no call, no slot
	}
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

// recordLocked is record, with the lock already held.
func (b *Breaker) recordLocked(ctx context.Context, t *ticket, err error) {
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
		b.release(t) // the request was at fault: no news about the dependency either way
		return
	}
	t.settled = true
	b.count(err, now)
}
