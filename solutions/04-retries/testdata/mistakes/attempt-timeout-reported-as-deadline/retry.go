// Mistake: an attempt that ran out of its own timeout fails with the error of its own context, context.DeadlineExceeded, so the caller reads "your deadline passed" although it had time left, and a layer above stops for the wrong reason.
// Caught by: TestATimedOutAttemptIsRetriedOnlyWhenTheOperationIsIdempotent, TestAnAttemptThatTimesOutSaysSoNotThatTheCallersDeadlinePassed

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

	// Capacity 1: an abandoned attempt can still hand over its result, and exit.
	result := make(chan error, 1)
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
	if !p.Idempotent {
		return DoNotRetry(actx.Err())
	}
	return Retryable(actx.Err()) // the attempt's own timeout, as its context says
}
