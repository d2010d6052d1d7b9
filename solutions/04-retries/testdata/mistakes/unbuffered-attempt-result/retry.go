// Mistake: the attempt hands its result over an unbuffered channel, so an attempt Do stopped waiting for blocks on its send for ever: every abandoned attempt leaks a goroutine.
// Caught by: TestAHungAttemptIsAbandonedAtTheAttemptTimeoutAndRetried, TestATimedOutAttemptIsRetriedOnlyWhenTheOperationIsIdempotent, TestAnAttemptThatTimesOutSaysSoNotThatTheCallersDeadlinePassed, TestTheCallersDeadlineEndsAnAttemptThatIgnoresIt, TestAbandonedAttemptsPileUpAtADeafDependencyUntilTheBudgetStopsThem

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

	result := make(chan error)
	go func() { result <- op(actx) }()

	var err error
	select {
	case err = <-result:
	case <-actx.Done():
		err = fmt.Errorf("stopped waiting for the attempt: %w", context.Cause(actx))
	}
	if err == nil || ctx.Err() != nil || actx.Err() == nil {
		return err
	}
	// The attempt's own timeout, and not "deadline exceeded": the caller
	// still waits. Whether op did its work is unknown.
	timedOut := fmt.Errorf("%w after %v", ErrAttemptTimeout, p.AttemptTimeout)
	if !p.Idempotent {
		return DoNotRetry(fmt.Errorf("%w; not retried: it may have done its work, and op is not idempotent", timedOut))
	}
	return Retryable(timedOut)
}
