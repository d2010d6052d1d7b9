// Mistake: Do never looks for a Retry-After, as the lesson once taught, so a client that a server asked to come back in 2s comes back after the usual 50ms backoff, into the overload it was turned away from.
// Caught by: TestRetryAfterWaitsTheServersHintPlusJitter, TestARetryAfterPastTheDeadlineGivesUpAtOnce, TestClientsToldTheSameRetryAfterComeBackSpreadOut

package retries

// pause is how long to sleep before retry n: the backoff, whatever the
// server asked for.
func (p Policy) pause(n int, err error) time.Duration {
	return p.backoff(n)
}
