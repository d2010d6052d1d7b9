// Mistake: Call takes the lock at the top and releases it with defer, so the lock is held while op runs: callers take turns at the dependency, and in a synctest bubble the goroutines waiting for the sync.Mutex are not durably blocked, so the clock stops and the test hangs.
// Caught by: TestCallsRunSideBySideThroughAClosedBreaker (hang)

package breaker

// Call runs op through the breaker and returns its error. While the breaker
// is open, or half-open with all trial calls taken, Call returns ErrOpen or
// ErrTooManyRequests at once and op is not called. Any error from op counts
// as a failure of the dependency.
func (b *Breaker) Call(ctx context.Context, op func(context.Context) error) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	gen, err := b.admit()
	if err != nil {
		return err
	}
	err = op(ctx)
	b.record(gen, err)
	return err
}

// admit decides whether a call may go through, and returns the generation
// it belongs to.
func (b *Breaker) admit() (uint64, error) {
	b.tick(time.Now())
	switch b.state {
	case Open:
		return 0, ErrOpen
	case HalfOpen:
		if b.trials >= b.settings.HalfOpenMax {
			return 0, ErrTooManyRequests
		}
		b.trials++
	}
	return b.generation, nil
}

// record counts the result of a call admitted in generation gen.
func (b *Breaker) record(gen uint64, err error) {
	now := time.Now()
	b.tick(now)
	if gen != b.generation {
		// The call started before the last change of state: it says
		// nothing about the dependency as it is now (a success from before
		// the trip must not close the breaker, a failure from before the
		// last close must not count towards the next trip).
		return
	}
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
