// Mistake: each attempt gets a context with the attempt timeout, but Do still waits for op to return, so a dependency that does not listen to its context holds the caller for as long as it likes: a timeout only works if somebody stops waiting.
// Caught by: TestAHungAttemptIsAbandonedAtTheAttemptTimeoutAndRetried, TestATimedOutAttemptIsRetriedOnlyWhenTheOperationIsIdempotent, TestTheCallersDeadlineEndsAnAttemptThatIgnoresIt, TestAbandonedAttemptsPileUpAtADeafDependencyUntilTheBudgetStopsThem

package retries

// attempt makes one call of op and waits for it no longer than the
// attempt's context lasts: p.AttemptTimeout, cut short by the caller's
// deadline.
func (p Policy) attempt(ctx context.Context, op func(context.Context) error) error {
	actx, cancel := ctx, context.CancelFunc(func() {})
	if p.AttemptTimeout > 0 {
		actx, cancel = context.WithTimeoutCause(ctx, p.AttemptTimeout, ErrAttemptTimeout)
	}
	defer cancel() // an op that listens stops as soon as we leave

	err := op(actx) // however long op takes to notice
	if err == nil || ctx.Err() != nil || actx.Err() == nil {
		return err
	}
	return p.timedOut() // the attempt's own timeout, with the caller still waiting
}
