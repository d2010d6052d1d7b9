// Mistake: Call takes the lock at the top and releases it with defer, so the lock is held while op runs: callers take turns at the dependency, and in a synctest bubble the goroutines waiting for the sync.Mutex are not durably blocked, so the clock stops and the test hangs.
// Caught by: TestCallsRunSideBySideThroughAClosedBreaker (hang)

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
	b.mu.Lock()
	defer b.mu.Unlock()
	t, err := b.admitLocked()
	if err != nil {
		return err
	}
	if t.trial {
		// A hung trial would hold its slot, and the breaker, for ever: give
		// it back the moment the caller gives up, even if op does not.
		stop := context.AfterFunc(ctx, func() { b.release(t) })
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

// admitLocked decides, with the lock held, whether a call may go through, and returns its ticket.
func (b *Breaker) admitLocked() (*ticket, error) {
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

// recordLocked counts, with the lock held, the result of a call let through with ticket t.
func (b *Breaker) recordLocked(ctx context.Context, t *ticket, err error) {
	now := time.Now()
	b.tick(now)
	switch {
	case t.settled:
		return // given back when its caller left: too late to decide anything
	case t.gen != b.generation:
		// Started before the last change of state: news about the past (a
		// success from before the trip must not close the breaker, a failure
		// from before the last close must not count towards the next trip).
		t.settled = true
		return
	case err != nil && ctx.Err() != nil:
		b.release(t) // the caller gave up: no news about the dependency
		return
	case err != nil && b.settings.IsFailure != nil && !b.settings.IsFailure(err):
		err = nil // the dependency answered; the request was at fault
	}
	t.settled = true
	switch b.state {
	case Closed:
		if err == nil {
			b.failures = 0 // only failures in a row count
			return
		}
		b.failures++
		if b.failures > b.settings.MaxFailures {
			b.setState(Open, now)
		}
	case HalfOpen:
		if err == nil {
			b.setState(Closed, now)
		} else {
			b.setState(Open, now) // and the timeout starts again
		}
	}
}
