// Mistake: a Retry-After replaces the jittered backoff instead of adding to it, so every client the server turned away at the same moment comes back at the same instant, and the server meets the whole herd again.
// Caught by: TestRetryAfterWaitsTheServersHintPlusJitter, TestClientsToldTheSameRetryAfterComeBackSpreadOut

package retries

// pause is how long to sleep before retry n, after err: exactly what the
// server asked for, or else the backoff.
func (p Policy) pause(n int, err error) time.Duration {
	if hint, ok := retryAfter(err); ok {
		return hint
	}
	return p.backoff(n)
}
