// Mistake: each attempt gets a context with the attempt timeout, but Do still waits for op to return, so a dependency that does not listen to its context holds the caller for as long as it likes: a timeout only works if somebody stops waiting.
// Caught by: TestAHungAttemptIsAbandonedAtTheAttemptTimeoutAndRetried, TestTheCallersDeadlineEndsAnAttemptThatIgnoresIt, TestAbandonedAttemptsPileUpAtADeafDependencyUntilTheBudgetStopsThem

package retries

// attempt gives op a context with the attempt's timeout, then waits for op
// to return, however long that takes.
func (p Policy) attempt(ctx context.Context, op func(context.Context) error) error {
	actx, cancel := ctx, context.CancelFunc(func() {})
	if p.AttemptTimeout > 0 {
		actx, cancel = context.WithTimeoutCause(ctx, p.AttemptTimeout, ErrAttemptTimeout)
	}
	defer cancel()

	err := op(actx)
	if err != nil && ctx.Err() == nil && actx.Err() != nil {
		return Retryable(fmt.Errorf("%w after %v", ErrAttemptTimeout, p.AttemptTimeout))
	}
	return err
}
