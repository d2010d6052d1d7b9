// Mistake: an attempt that ran out of its timeout is retried whatever op is, as the lesson once taught, so a payment whose first attempt timed out, and went through all the same, is charged again and again: a timeout is an unknown outcome, safe to retry only when op is idempotent.
// Caught by: TestATimedOutAttemptIsRetriedOnlyWhenTheOperationIsIdempotent

package retries

// timedOut is the error of an attempt that ran out of p.AttemptTimeout:
// worth a retry.
func (p Policy) timedOut() error {
	return Retryable(fmt.Errorf("%w after %v", ErrAttemptTimeout, p.AttemptTimeout))
}
