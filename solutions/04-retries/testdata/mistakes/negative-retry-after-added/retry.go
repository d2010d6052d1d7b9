// Mistake: a Retry-After is added to the backoff as it is, negative or not, so a hint of -5s (an HTTP date already past) makes the sleep negative and the retry comes at once, with no backoff at all.
// Caught by: TestANegativeRetryAfterIsNoHint

package retries

// retryAfter returns the wait a server asked for, if err or an error it
// wraps has a RetryAfter method.
func retryAfter(err error) (time.Duration, bool) {
	var hint interface{ RetryAfter() time.Duration }
	if !errors.As(err, &hint) {
		return 0, false
	}
	return hint.RetryAfter(), true
}
