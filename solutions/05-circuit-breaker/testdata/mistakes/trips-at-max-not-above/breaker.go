// Mistake: the breaker opens when the failures in a row reach MaxFailures (>=) instead of going above it, one failure early, so MaxFailures=5 trips on the 5th failure, not the 6th as sony/gobreaker does.
// Caught by: TestTheBreakerOpensAfterMoreThanMaxFailuresInARow, TestASuccessInBetweenResetsTheFailureCount, TestAnErrorTheClassifierExcusesCountsNeitherWay

package breaker

// count moves the breaker on after a result that is news about the
// dependency: a success (err == nil) or a failure. b.mu is held.
func (b *Breaker) count(err error, now time.Time) {
	switch b.state {
	case Closed:
		if err == nil {
			b.failures = 0 // only failures in a row count
			return
		}
		b.failures++
		if b.failures >= b.settings.MaxFailures {
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
