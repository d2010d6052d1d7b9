// Mistake: the attempt hands its result over an unbuffered channel, so an attempt Do stopped waiting for blocks on its send for ever: every abandoned attempt leaks a goroutine.
// Caught by: TestAHungAttemptIsAbandonedAtTheAttemptTimeoutAndRetried (leak), TestATimedOutAttemptIsRetriedOnlyWhenTheOperationIsIdempotent (leak), TestAnAttemptThatTimesOutSaysSoNotThatTheCallersDeadlinePassed (leak), TestTheCallersDeadlineEndsAnAttemptThatIgnoresIt (leak), TestAbandonedAttemptsPileUpAtADeafDependencyUntilTheBudgetStopsThem (leak)

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

	select {
	case err := <-result:
		if err == nil || ctx.Err() != nil || actx.Err() == nil {
			return err
		}
	case <-actx.Done():
		if ctx.Err() != nil {
			return fmt.Errorf("stopped waiting for the attempt: %w", context.Cause(actx))
		}
	}
	return p.timedOut() // the attempt's own timeout, with the caller still waiting
}
