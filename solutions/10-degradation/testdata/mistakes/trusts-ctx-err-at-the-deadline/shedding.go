// Mistake: Do asks ctx.Err() whether anybody still waits, but at the very instant of the deadline ctx.Err() may still be nil (the timer that cancels the context has not run yet): a request whose slot comes at its deadline is started for a caller who is leaving that instant.
// Caught by: TestASlotHandedOverAsItsCallerGivesUpIsNotLost

package degradation

// Do runs work(ctx) in a slot, once one is free, and returns its error. A
// request that finds every slot taken waits in the queue, ahead of every
// less critical one; when the queue is full, a critical request pushes out
// the sheddable one that came last, and otherwise the newcomer is refused:
// either way with ErrShed, at once.
//
// Nobody works for a request nobody waits for: if ctx is done when the
// request comes, or while it waits, or by the time its slot comes, Do
// returns at once, without running work, with an error wrapping ctx.Err().
func (a *Admission) Do(ctx context.Context, work func(context.Context) error) error {
	class := CriticalityOf(ctx)
	if err := ctx.Err(); err != nil {
		a.expire(class)
		return notStarted(err)
	}
	w, err := a.enter(class)
	if err != nil {
		return err
	}
	if w != nil {
		if err := a.wait(ctx, w); err != nil {
			return err
		}
	}
	// The slot is ours. Whatever work does, even panic, it goes back.
	defer a.leave()
	if err := ctx.Err(); err != nil {
		a.expire(class) // the slot came, but nobody waits any more
		return notStarted(err)
	}
	a.mu.Lock()
	a.class(class).Started++
	a.mu.Unlock()
	return work(ctx)
}
