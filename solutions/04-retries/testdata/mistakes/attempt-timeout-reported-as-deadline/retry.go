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
	timedOut := actx.Err()
	if !p.Idempotent {
		return DoNotRetry(timedOut)
	}
	return Retryable(timedOut)
}
