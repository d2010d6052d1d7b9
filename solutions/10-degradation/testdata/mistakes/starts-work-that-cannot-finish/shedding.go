// Mistake: Do refuses only requests whose deadline has passed, and ignores MinTime: a request with 50ms left is started on 200ms of work, its caller has gone before it ends, and the slot it held is taken from a request that could have made it.
// Caught by: TestARequestWithNoMoreThanMinTimeLeftIsNotStarted, TestWorkThatCannotFinishInTimeIsNotStarted, TestAtTwiceTheCapacityNoCriticalRequestIsShed

package degradation

// Do runs work(ctx) in a slot, once one is free, and returns its error.
func (a *Admission) Do(ctx context.Context, work func(context.Context) error) error {
	class := CriticalityOf(ctx)
	if err := gone(ctx); err != nil {
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
	defer a.leave()
	if err := gone(ctx); err != nil { // the deadline has come: too late
		a.expire(class)
		return notStarted(err)
	}
	a.mu.Lock()
	a.class(class).Started++
	a.mu.Unlock()
	return work(ctx)
}
