// Mistake: changes of state are queued and OnStateChange is called after the lock is let go, so changes made by different callers can be reported out of order (open after half-open, say) or at the same time, and a listener that trusts the order it is told keeps the wrong state.
// Caught by: TestChangesOfStateMadeByDifferentCallersAreReportedUnderTheLock (race)

package breaker

// A Breaker guards calls to one dependency. It is safe for concurrent use.
type Breaker struct {
	settings Settings

	mu         sync.Mutex
	state      State
	generation uint64    // changes with every change of state
	failures   int       // failures in a row, in this generation (Closed)
	trials     int       // trial calls holding a slot, in this generation (HalfOpen)
	openedAt   time.Time // when the breaker last opened
	pending    []func()  // OnStateChange calls to make once the lock is released
}

// unlock releases b.mu and then reports the changes of state made while
// it was held: no user code runs under the lock.
func (b *Breaker) unlock() {
	pending := b.pending
	b.pending = nil
	b.mu.Unlock()
	for _, report := range pending {
		report()
	}
}

// State returns the breaker's state now. An open breaker whose OpenTimeout
// has passed is half-open.
func (b *Breaker) State() State {
	b.mu.Lock()
	defer b.unlock()
	b.tick(time.Now())
	return b.state
}

// admit decides whether a call may go through, and returns its ticket.
func (b *Breaker) admit(ctx context.Context) (*ticket, error) {
	b.mu.Lock()
	defer b.unlock()
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

// giveBack settles a call whose op panicked, and frees its trial slot.
func (b *Breaker) giveBack(t *ticket) {
	b.mu.Lock()
	defer b.unlock()
	b.release(t)
}

// abandon settles a call whose caller left before op returned.
func (b *Breaker) abandon(t *ticket) {
	b.mu.Lock()
	defer b.unlock()
	b.leave(t)
}

// record decides what the result of a call let through with ticket t says
// about the dependency, and counts it.
func (b *Breaker) record(ctx context.Context, t *ticket, err error) {
	b.mu.Lock()
	defer b.unlock()
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

// setState moves to a new generation in state to, with fresh counts.
func (b *Breaker) setState(to State, now time.Time) {
	from := b.state
	b.state = to
	b.generation++
	b.failures, b.trials = 0, 0
	if to == Open {
		b.openedAt = now
	}
	if f := b.settings.OnStateChange; f != nil {
		b.pending = append(b.pending, func() { f(from, to) })
	}
}
