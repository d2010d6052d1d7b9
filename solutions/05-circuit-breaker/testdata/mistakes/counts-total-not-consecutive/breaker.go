// Mistake: a success does not reset the failure count, so the breaker counts failures in all instead of failures in a row and trips on a dependency that fails now and then but works.
// Caught by: TestASuccessInBetweenResetsTheFailureCount

package breaker

// count moves the breaker on after a result that is news about the
// dependency: a success (err == nil) or a failure. b.mu is held.
func (b *Breaker) count(err error, now time.Time) {
	switch b.state {
	case Closed:
		if err == nil {
			return
		}
		b.failures++
		if b.failures > b.settings.MaxFailures {
			b.setState(Open, now)
		}
	case HalfOpen:
		if err == nil {
			b.setState(Closed, now)
		} else {
			b.setState(Open, now) // and the timeout starts again
		}
	}
}
